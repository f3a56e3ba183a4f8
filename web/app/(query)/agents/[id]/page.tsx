import type { Metadata } from "next";
import { AgentView } from "@/components/views/AgentView";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const { id } = await params;
  return { title: `Agent ${id}` };
}

export default async function AgentPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const clean = /^\d{1,30}$/.test(id) ? id : null;
  return (
    <>
      <h1>Agent {clean ?? "not found"}</h1>
      {clean ? <AgentView id={clean} /> : <p className="error" role="alert">An agent id is a number.</p>}
    </>
  );
}
