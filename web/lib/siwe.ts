// The Sign-In with Ethereum (EIP-4361) message the wallet signs. Its own module: it pulls viem's
// SIWE and checksum code, which only the wallet code (loaded on demand) needs.
import { createSiweMessage } from "viem/siwe";
import { getAddress } from "viem";

/** The EIP-4361 message the wallet signs. */
export function siweMessage(p: { domain: string; address: string; uri: string; chainId: number; nonce: string; issuedAt?: Date }): string {
  return createSiweMessage({
    domain: p.domain,
    address: getAddress(p.address),
    statement: "Sign in to UBC Compute Exchange",
    uri: p.uri,
    version: "1",
    chainId: p.chainId,
    nonce: p.nonce,
    issuedAt: p.issuedAt ?? new Date(),
    expirationTime: new Date((p.issuedAt ?? new Date()).getTime() + 24 * 3600 * 1000),
  });
}
