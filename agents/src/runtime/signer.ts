// Local accounts that sign with libsecp256k1 (Bitcoin Core's C library, through the `secp256k1`
// package's prebuilt N-API binding) instead of viem's pure-JS curve: ~0.2 ms of CPU per
// transaction signature instead of ~0.75 ms, which counts when one process signs for a swarm of
// agents at hundreds of transactions a second. The signatures are the same bytes as viem's (both
// are RFC 6979 deterministic with low s; runtime.test.ts compares them). Where the binding cannot
// be loaded (no prebuilt binary for the platform) or UBC_NATIVE_SECP256K1=0, the account is
// viem's own.
import { createRequire } from "node:module";
import {
  bytesToHex, hexToBytes, keccak256, serializeSignature, serializeTransaction,
  type Hex, type SerializeTransactionFn, type TransactionSerializable,
} from "viem";
import { privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";

/** The part of the `secp256k1` package's API used here (it ships no types). */
interface Libsecp256k1 {
  /** RFC 6979, low s; `recid` is the y parity of R. */
  ecdsaSign(msg32: Uint8Array, seckey: Uint8Array): { signature: Uint8Array; recid: number };
}

function load(): Libsecp256k1 | null {
  if (process.env.UBC_NATIVE_SECP256K1 === "0") return null;
  try {
    // the binding itself: the package's main module falls back to `elliptic` (pure JS) silently
    return createRequire(import.meta.url)("secp256k1/bindings") as Libsecp256k1;
  } catch {
    return null;
  }
}

const lib = load();

/** Whether accounts made by `localAccount` sign natively. */
export const nativeSigning = lib !== null;

/**
 * A viem local account for `privateKey` whose `sign` (a raw digest) and `signTransaction` use
 * libsecp256k1 where it loads; everything else (typed data, messages) is viem's.
 */
export function localAccount(privateKey: Hex): PrivateKeyAccount {
  const account = privateKeyToAccount(privateKey);
  if (!lib) return account;
  const secret = hexToBytes(privateKey);
  const signDigest = (digest: Uint8Array) => {
    const { signature, recid } = lib.ecdsaSign(digest, secret);
    return { r: bytesToHex(signature.subarray(0, 32)), s: bytesToHex(signature.subarray(32, 64)), v: BigInt(27 + recid), yParity: recid };
  };
  return {
    ...account,
    async sign({ hash }: { hash: Hex }): Promise<Hex> {
      return serializeSignature(signDigest(hexToBytes(hash)));
    },
    async signTransaction(transaction: TransactionSerializable, options?: { serializer?: SerializeTransactionFn<TransactionSerializable> }): Promise<Hex> {
      const serialize = options?.serializer ?? serializeTransaction;
      // as viem's signTransaction: an EIP-4844 transaction is signed without its sidecars
      const signable = transaction.type === "eip4844" ? { ...transaction, sidecars: false } : transaction;
      const sig = signDigest(keccak256(await serialize(signable as TransactionSerializable), "bytes"));
      return serialize(transaction, sig) as Hex;
    },
  } as PrivateKeyAccount;
}
