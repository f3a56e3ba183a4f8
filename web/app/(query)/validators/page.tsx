import type { Metadata } from "next";
import { ValidatorsView } from "@/components/views/ValidatorsView";

export const metadata: Metadata = { title: "Validators" };

export default function ValidatorsPage() {
  return (
    <>
      <h1>Validators</h1>
      <p className="lead">Validators stake UBC, are drawn into committees that re-execute or judge delivered work, and vote on it: votes with the verdict share the validation fee; votes against a decided dispute are slashed.</p>
      <ValidatorsView />
    </>
  );
}
