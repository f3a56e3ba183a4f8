// scripts/codegen-abis.ts writes the EIP-712 types and domains every layer signs with (the SDK,
// the web app, the indexer's quote board, the devnet seed, these tests) from the contracts'
// sources; here they are held against the deployed contracts: each type's hash equals the
// contract's typehash constant and each domain's name and version equal its ERC-5267
// `eip712Domain()`.
import { expect } from "chai";
import { network } from "hardhat";
import UBCExchange from "../deploy/modules/UBCExchange.ts";
import * as EIP712 from "../agents/src/generated/eip712.ts";

const { ethers, ignition } = await network.create();

function typeHash(types: Record<string, readonly { name: string; type: string }[]>): string {
  const [name, fields] = Object.entries(types)[0]!;
  return ethers.id(`${name}(${fields.map((f) => `${f.type} ${f.name}`).join(",")})`);
}

describe("generated EIP-712 types and domains (scripts/codegen-abis.ts)", function () {
  it("match the deployed contracts' typehashes and ERC-5267 domains", async function () {
    const d = await ignition.deploy(UBCExchange, {});
    const market = await ethers.getContractAt("WorkMarket", await d.workMarket.getAddress());
    const registry = await ethers.getContractAt("AgentRegistry", await d.agentRegistry.getAddress());
    const compute = await ethers.getContractAt("ComputeToken", await d.compute.getAddress());
    const ubc = await ethers.getContractAt("UBCToken", await d.ubc.getAddress());

    expect(typeHash(EIP712.QUOTE_TYPES)).to.equal(await market.QUOTE_TYPEHASH());
    expect(typeHash(EIP712.AGENT_WALLET_TYPES)).to.equal(await registry.AGENT_WALLET_TYPEHASH());
    expect(typeHash(EIP712.TRANSFER_WITH_AUTHORIZATION_TYPES)).to.equal(await compute.TRANSFER_WITH_AUTHORIZATION_TYPEHASH());
    expect(typeHash(EIP712.RECEIVE_WITH_AUTHORIZATION_TYPES)).to.equal(await compute.RECEIVE_WITH_AUTHORIZATION_TYPEHASH());
    expect(typeHash(EIP712.CANCEL_AUTHORIZATION_TYPES)).to.equal(await compute.CANCEL_AUTHORIZATION_TYPEHASH());

    for (const [contract, domain] of [
      [market, EIP712.WORK_MARKET_DOMAIN],
      [registry, EIP712.AGENT_REGISTRY_DOMAIN],
      [compute, EIP712.COMPUTE_TOKEN_DOMAIN],
      [ubc, EIP712.UBC_TOKEN_DOMAIN],
    ] as const) {
      const onChain = await contract.eip712Domain();
      expect({ name: onChain.name, version: onChain.version }).to.deep.equal({ ...domain });
    }
  });
});
