// EIP-712 signing helpers for tests: EIP-2612 permits and EIP-3009 authorisations.
import { Signature, hexlify, randomBytes, type Signer } from "ethers";

export const PERMIT_TYPES = {
  Permit: [
    { name: "owner", type: "address" },
    { name: "spender", type: "address" },
    { name: "value", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};

const AUTH_FIELDS = [
  { name: "from", type: "address" },
  { name: "to", type: "address" },
  { name: "value", type: "uint256" },
  { name: "validAfter", type: "uint256" },
  { name: "validBefore", type: "uint256" },
  { name: "nonce", type: "bytes32" },
];
export const TRANSFER_AUTH_TYPES = { TransferWithAuthorization: AUTH_FIELDS };
export const RECEIVE_AUTH_TYPES = { ReceiveWithAuthorization: AUTH_FIELDS };
export const CANCEL_AUTH_TYPES = {
  CancelAuthorization: [
    { name: "authorizer", type: "address" },
    { name: "nonce", type: "bytes32" },
  ],
};

export interface Domain {
  name: string;
  version: string;
  chainId: bigint;
  verifyingContract: string;
}

export interface Authorization {
  from: string;
  to: string;
  value: bigint;
  validAfter: bigint;
  validBefore: bigint;
  nonce: string;
}

export function randomNonce(): string {
  return hexlify(randomBytes(32));
}

export async function signAuthorization(
  signer: Signer,
  domain: Domain,
  auth: Authorization,
  kind: "transfer" | "receive" = "transfer",
) {
  const types = kind === "transfer" ? TRANSFER_AUTH_TYPES : RECEIVE_AUTH_TYPES;
  const raw = await signer.signTypedData(domain, types, auth);
  return { raw, sig: Signature.from(raw) };
}

export async function signCancel(signer: Signer, domain: Domain, authorizer: string, nonce: string) {
  const raw = await signer.signTypedData(domain, CANCEL_AUTH_TYPES, { authorizer, nonce });
  return { raw, sig: Signature.from(raw) };
}

export async function signPermit(
  signer: Signer,
  domain: Domain,
  value: { owner: string; spender: string; value: bigint; nonce: bigint; deadline: bigint },
) {
  return Signature.from(await signer.signTypedData(domain, PERMIT_TYPES, value));
}
