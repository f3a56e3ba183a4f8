// Signs a signer in to the API with SIWE and returns the bearer token.
import type { ethers } from "ethers";
import { SiweMessage } from "siwe";

export async function signIn(apiUrl: string, signer: ethers.Signer, chainId = 31337): Promise<string> {
  const { nonce } = (await (await fetch(`${apiUrl}/auth/nonce`)).json()) as { nonce: string };
  const message = new SiweMessage({
    domain: new URL(apiUrl).host, address: await signer.getAddress(), statement: "Sign in to UBC Compute Exchange",
    uri: apiUrl, version: "1", chainId, nonce, issuedAt: new Date().toISOString(),
  }).prepareMessage();
  const res = await fetch(`${apiUrl}/auth/verify`, {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ message, signature: await signer.signMessage(message) }),
  });
  const body = (await res.json()) as { token?: string; error?: string };
  if (!body.token) throw new Error(`sign-in failed: ${body.error}`);
  return body.token;
}
