import type { Metadata } from "next";
import { StakeView } from "@/components/views/StakeView";

export const metadata: Metadata = { title: "Stake" };

export default function StakePage() {
  return (
    <>
      <h1>Stake</h1>
      <p className="lead">Lock UBC in a pool and earn COMPUTE every second until it unlocks. The full reward is reserved when you stake; claim it whenever you like, withdraw the principal after unlock.</p>
      <StakeView />
    </>
  );
}
