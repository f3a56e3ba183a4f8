// Local accounts that sign with libsecp256k1 (Bitcoin Core's C library, through the `secp256k1`
// package's prebuilt N-API binding) instead of viem's pure-JS curve: ~0.2 ms of CPU per
// transaction signature instead of ~0.75 ms, which counts when one process signs for a swarm of
// agents at hundreds of transactions a second; the transaction's digest is hashed natively too
// (keccak.ts). The signatures are the same bytes as viem's (both are RFC 6979 deterministic with
// low s; runtime.test.ts compares them). Where the binding cannot be loaded (no prebuilt binary
// for the platform) or UBC_NATIVE_SECP256K1=0, the account is viem's own.
import { createRequire } from "node:module";
import {
  assertTransactionEIP1559, bytesToHex, hexToBytes, serializeSignature, serializeTransaction,
  type Hex, type SerializeTransactionFn, type TransactionSerializable, type TransactionSerializableEIP1559,
} from "viem";
import { privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { keccak256Bytes } from "./keccak.ts";

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
      if (options?.serializer === undefined && plainEip1559(transaction)) {
        // what the runtime sends: encoded here, hashed and signed without hex in between
        assertTransactionEIP1559(transaction);
        const fields = eip1559Fields(transaction);
        const { signature, recid } = lib.ecdsaSign(keccak256Bytes(typed(fields)), secret);
        fields.push(uint(recid), trimmed(signature.subarray(0, 32)), trimmed(signature.subarray(32, 64)));
        return `0x${typed(fields).toString("hex")}`;
      }
      const serialize = options?.serializer ?? serializeTransaction;
      // as viem's signTransaction: an EIP-4844 transaction is signed without its sidecars
      const signable = transaction.type === "eip4844" ? { ...transaction, sidecars: false } : transaction;
      const sig = signDigest(keccak256Bytes(hexToBytes(await serialize(signable as TransactionSerializable))));
      return serialize(transaction, sig) as Hex;
    },
  } as PrivateKeyAccount;
}

// EIP-1559 transactions as the runtime sends them (a call or transfer to an address, no access
// list), encoded as viem's serializeTransaction encodes them (RLP of the fields, type byte 0x02;
// the same bytes: runtime.test.ts), from Buffers rather than hex strings: signing a fill-sized
// transaction takes 74–98 µs here against 135–149 µs through viem's serializer.

/** Calldata as whole bytes of hex (Buffer.from would drop what follows a bad digit silently). */
const HEX_BYTES = /^0x(?:[0-9a-fA-F]{2})*$/;

/** Whether `tx` is an EIP-1559 transaction of the plain kind encoded below (anything else, malformed calldata included, goes viem's way). */
function plainEip1559(tx: TransactionSerializable): tx is TransactionSerializableEIP1559 & { to: Hex } {
  const t = tx as TransactionSerializableEIP1559 & { authorizationList?: unknown; blobVersionedHashes?: unknown; sidecars?: unknown };
  return t.type === "eip1559" && typeof t.to === "string" && t.chainId !== undefined && (t.accessList === undefined || t.accessList.length === 0)
    && t.authorizationList === undefined && t.blobVersionedHashes === undefined && t.sidecars === undefined
    && (t.data === undefined || HEX_BYTES.test(t.data));
}

/** The unsigned fields' RLP items. */
function eip1559Fields(tx: TransactionSerializableEIP1559 & { to: Hex }): Buffer[] {
  return [
    uint(tx.chainId!), uint(tx.nonce ?? 0), uint(tx.maxPriorityFeePerGas ?? 0n), uint(tx.maxFeePerGas ?? 0n), uint(tx.gas ?? 0n),
    bytes(Buffer.from(tx.to.slice(2), "hex")), uint(tx.value ?? 0n), bytes(Buffer.from((tx.data ?? "0x").slice(2), "hex")), EMPTY_LIST,
  ];
}

const EMPTY_LIST = Buffer.from([0xc0]);

/** 0x02 followed by the RLP list of `items` (each already an RLP item). */
function typed(items: Buffer[]): Buffer {
  let len = 0;
  for (const i of items) len += i.length;
  return Buffer.concat([Buffer.from([0x02]), header(0xc0, len), ...items], 1 + headerLength(len) + len);
}

/** An RLP string item. */
function bytes(b: Buffer): Buffer {
  if (b.length === 1 && b[0] < 0x80) return b;
  return Buffer.concat([header(0x80, b.length), b]);
}

/** An unsigned integer as an RLP item: big-endian without leading zeros (zero is the empty string). */
function uint(n: bigint | number): Buffer {
  if (n < 0) throw new Error(`a transaction field cannot be negative: ${n}`);
  if (n === 0 || n === 0n) return Buffer.from([0x80]);
  const hex = n.toString(16);
  return bytes(Buffer.from(hex.length % 2 === 1 ? `0${hex}` : hex, "hex"));
}

/** A signature word as an RLP item: leading zero bytes dropped. */
function trimmed(word: Uint8Array): Buffer {
  let i = 0;
  while (i < word.length && word[i] === 0) i++;
  return bytes(Buffer.from(word.buffer, word.byteOffset + i, word.length - i));
}

const headerLength = (len: number) => (len < 56 ? 1 : 1 + Math.ceil(len.toString(16).length / 2));
function header(base: 0x80 | 0xc0, len: number): Buffer {
  if (len < 56) return Buffer.from([base + len]);
  const hex = len.toString(16);
  const l = Buffer.from(hex.length % 2 === 1 ? `0${hex}` : hex, "hex");
  return Buffer.concat([Buffer.from([base + 55 + l.length]), l]);
}
