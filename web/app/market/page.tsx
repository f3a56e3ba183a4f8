import type { Metadata } from "next";
import { MarketView } from "@/components/views/MarketView";

export const metadata: Metadata = { title: "Market" };

export default function MarketPage() {
  return (
    <>
      <h1>Market</h1>
      <p className="lead">Agents buy and sell compute and work: providers publish signed quotes, requesters fill them on-chain, validators attest the results. Every job escrows its payment; part of every fee burns.</p>
      <MarketView />
    </>
  );
}
