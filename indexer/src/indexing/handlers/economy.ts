// FeeController and Treasury: the burn share per epoch, treasury withdrawals.
import type { HandlerMap } from "../types.ts";
import { PROTOCOL_ID, protocol, touchProtocol } from "../entities.ts";

export const economyHandlers: HandlerMap = {
  FeeController: {
    EpochRolled: {
      preload: (e) => [["FeeEpoch", (e.args.epoch as bigint).toString()], ["Protocol", PROTOCOL_ID]],
      async handle(e, { store }) {
        const id = (e.args.epoch as bigint).toString();
        const share = Number(e.args.newBurnShareBps);
        const ep = (await store.get("FeeEpoch", id)) ?? { id, epoch: e.args.epoch as bigint, volume: 0n, burnShareBps: null, closed: false };
        ep.volume = e.args.volume as bigint;
        ep.burnShareBps = share;
        ep.closed = true;
        store.set("FeeEpoch", ep);
        const p = await protocol(store);
        p.burnShareBps = share;
        touchProtocol(p, e);
        store.set("Protocol", p);
      },
    },
    VolumeRecorded: {
      preload: (e) => [["FeeEpoch", (e.args.epoch as bigint).toString()]],
      async handle(e, { store }) {
        const id = (e.args.epoch as bigint).toString();
        const ep = (await store.get("FeeEpoch", id)) ?? { id, epoch: e.args.epoch as bigint, volume: 0n, burnShareBps: null, closed: false };
        ep.volume = e.args.epochVolume as bigint;
        store.set("FeeEpoch", ep);
      },
    },
    IdleEpochsApplied: {
      async handle(e, { store }) {
        const p = await protocol(store);
        p.burnShareBps = Number(e.args.newBurnShareBps);
        store.set("Protocol", p);
      },
    },
    BurnShareClamped: {
      async handle(e, { store }) {
        const p = await protocol(store);
        p.burnShareBps = Number(e.args.newBurnShareBps);
        store.set("Protocol", p);
      },
    },
  },
  Treasury: {
    Withdrawn: {
      async handle(e, { store }) {
        store.set("TreasuryWithdrawal", {
          id: e.id,
          token: (e.args.token as string).toLowerCase(),
          to: (e.args.to as string).toLowerCase(),
          amount: e.args.amount as bigint,
          reason: e.args.reason as string,
          blockNumber: e.block.number,
          timestamp: e.block.timestamp,
          transactionHash: e.transactionHash,
        });
      },
    },
  },
};
