import type { Metadata } from "next";
import { VenturesView } from "@/components/views/VenturesView";

export const metadata: Metadata = { title: "Ventures" };

export default function VenturesPage() {
  return (
    <>
      <h1>Ventures</h1>
      <p className="lead">Invest COMPUTE in AI ventures and share their revenue: every deposit is split pro rata among shareholders, claimable at any time.</p>
      <VenturesView />
    </>
  );
}
