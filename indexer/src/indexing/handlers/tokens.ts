// UBCToken and ComputeToken: balances, supply, mints and burns, transfers, votes, EIP-3009.
import type { Store } from "../../database/store.ts";
import type { HandlerContext, HandlerMap, IndexedEvent } from "../types.ts";
import { account, add, daily, dayId, PROTOCOL_ID, protocol, syncDaily, touchProtocol, ZERO_ADDRESS } from "../entities.ts";

const TOKEN_INFO: Record<string, { symbol: string; name: string }> = {
  UBCToken: { symbol: "UBC", name: "UBC" },
  ComputeToken: { symbol: "COMPUTE", name: "Compute" },
};

async function token(store: Store, e: IndexedEvent) {
  const found = await store.get("Token", e.address);
  if (found) return found;
  const info = TOKEN_INFO[e.contract];
  return {
    id: e.address,
    symbol: info.symbol,
    name: info.name,
    decimals: 18,
    totalSupply: 0n,
    totalMinted: 0n,
    totalBurned: 0n,
    transferCount: 0n,
    holderCount: 0,
  };
}

function transferPreload(e: IndexedEvent): [string, string][] {
  const out: [string, string][] = [];
  transferPreloadInto(e, (entity, id) => out.push([entity, id]));
  return out;
}

function transferPreloadInto(e: IndexedEvent, want: (entity: string, id: string) => void): void {
  want("Account", e.args.from as string);
  want("Account", e.args.to as string);
  want("Token", e.address);
  want("Protocol", PROTOCOL_ID);
  want("DailyStat", dayId(e.block.timestamp));
}

async function handleTransfer(e: IndexedEvent, ctx: HandlerContext) {
  const { store } = ctx;
  const isCompute = e.contract === "ComputeToken";
  const from = e.args.from as string;
  const to = e.args.to as string;
  const value = e.args.value as bigint;
  const balanceField = isCompute ? "computeBalance" : "ubcBalance";

  // The hottest handler of a backfill: the rows it rewrites for every transfer are changed in
  // place (Store.draft: one copy per batch, not two per event) once they are in the batch.
  // A drafted row needs no set() (draft() already made it part of the batch, at this block);
  // a row made or loaded here does.
  const pDraft = store.draft("Protocol", PROTOCOL_ID);
  const p = pDraft ?? (await protocol(store));
  const tDraft = store.draft("Token", e.address);
  const t = tDraft ?? (await token(store, e));
  // the zero address too: TokenTransfer.from is non-null
  const fromDraft = store.draft("Account", from);
  const fromAcc = fromDraft ?? (await account(store, from, e, p));
  const toDraft = from === to ? fromDraft : store.draft("Account", to);
  const toAcc = from === to ? fromAcc : (toDraft ?? (await account(store, to, e, p)));

  if (from === ZERO_ADDRESS) {
    t.totalSupply = add(t.totalSupply, value);
    t.totalMinted = add(t.totalMinted, value);
  } else {
    const before = fromAcc[balanceField] as bigint;
    fromAcc[balanceField] = before - value;
    if (before > 0n && before === value) t.holderCount = (t.holderCount as number) - 1;
  }
  if (to === ZERO_ADDRESS) {
    t.totalSupply = add(t.totalSupply, -value);
    t.totalBurned = add(t.totalBurned, value);
  } else {
    const before = toAcc[balanceField] as bigint;
    toAcc[balanceField] = before + value;
    if (before === 0n && value > 0n) t.holderCount = (t.holderCount as number) + 1;
  }
  t.transferCount = add(t.transferCount, 1n);
  p.transferCount = add(p.transferCount, 1n);

  const dDraft = store.draft("DailyStat", dayId(e.block.timestamp));
  const d = dDraft ?? (await daily(store, e, p));
  d.transferCount = (d.transferCount as number) + 1;
  if (isCompute) {
    d.computeTransferVolume = add(d.computeTransferVolume, value);
    p.computeTotalSupply = t.totalSupply;
    p.computeTotalMinted = t.totalMinted;
    p.computeTotalBurned = t.totalBurned;
    if (from === ZERO_ADDRESS) d.computeMinted = add(d.computeMinted, value);
    if (to === ZERO_ADDRESS) {
      d.computeBurned = add(d.computeBurned, value);
      fromAcc.computeBurned = add(fromAcc.computeBurned, value);
      store.insert("Burn", {
        id: e.id,
        token: e.address,
        from,
        amount: value,
        source: ctx.contractAt(from) ?? "holder",
        blockNumber: e.block.number,
        timestamp: e.block.timestamp,
        transactionHash: e.transactionHash,
      });
    }
  } else {
    d.ubcTransferVolume = add(d.ubcTransferVolume, value);
    p.ubcTotalSupply = t.totalSupply;
  }
  touchProtocol(p, e);
  syncDaily(d, p);

  if (!fromDraft) store.set("Account", fromAcc);
  if (toAcc !== fromAcc && !toDraft) store.set("Account", toAcc);
  if (!tDraft) store.set("Token", t);
  if (!pDraft) store.set("Protocol", p);
  if (!dDraft) store.set("DailyStat", d);
  // a new object the store may keep as it is (insert: no copy)
  store.insert("TokenTransfer", {
    id: e.id,
    token: e.address,
    from,
    to,
    value,
    blockNumber: e.block.number,
    timestamp: e.block.timestamp,
    transactionHash: e.transactionHash,
  });
}

async function handleAuthorization(e: IndexedEvent, ctx: HandlerContext, state: "used" | "canceled") {
  const { store } = ctx;
  const p = await protocol(store);
  const a = await account(store, e.args.authorizer as string, e, p);
  store.set("Account", a);
  store.set("Protocol", p);
  store.set("Authorization", {
    id: e.id,
    authorizer: e.args.authorizer as string,
    nonce: e.args.nonce as string,
    state,
    blockNumber: e.block.number,
    timestamp: e.block.timestamp,
    transactionHash: e.transactionHash,
  });
}

export const tokenHandlers: HandlerMap = {
  UBCToken: {
    Transfer: { preload: transferPreload, preloadInto: transferPreloadInto, handle: handleTransfer },
    DelegateChanged: {
      preload: (e) => [["Account", e.args.delegator as string], ["Protocol", PROTOCOL_ID]],
      async handle(e, { store }) {
        const p = await protocol(store);
        const a = await account(store, e.args.delegator as string, e, p);
        const to = e.args.toDelegate as string;
        a.delegate = to === ZERO_ADDRESS ? null : to;
        store.set("Account", a);
        store.set("Protocol", p);
      },
    },
    DelegateVotesChanged: {
      preload: (e) => [["Account", e.args.delegate as string], ["Protocol", PROTOCOL_ID]],
      async handle(e, { store }) {
        const p = await protocol(store);
        const a = await account(store, e.args.delegate as string, e, p);
        a.votes = e.args.newVotes as bigint;
        store.set("Account", a);
        store.set("Protocol", p);
      },
    },
  },
  ComputeToken: {
    Transfer: { preload: transferPreload, preloadInto: transferPreloadInto, handle: handleTransfer },
    AuthorizationUsed: {
      preload: (e) => [["Account", e.args.authorizer as string], ["Protocol", PROTOCOL_ID]],
      handle: (e, ctx) => handleAuthorization(e, ctx, "used"),
    },
    AuthorizationCanceled: {
      preload: (e) => [["Account", e.args.authorizer as string], ["Protocol", PROTOCOL_ID]],
      handle: (e, ctx) => handleAuthorization(e, ctx, "canceled"),
    },
  },
};
