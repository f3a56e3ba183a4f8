import type { Metadata } from "next";
import { VentureView } from "@/components/views/VenturesView";

export const metadata: Metadata = { title: "Venture" };

export default async function VenturePage({ params }: { params: Promise<{ address: string }> }) {
  const { address } = await params;
  const clean = /^0x[0-9a-fA-F]{40}$/.test(address) ? address.toLowerCase() : null;
  return clean ? <VentureView address={clean} /> : (
    <>
      <h1>Venture not found</h1>
      <p className="error" role="alert">A venture is named by its address (0x and 40 hex digits).</p>
    </>
  );
}
