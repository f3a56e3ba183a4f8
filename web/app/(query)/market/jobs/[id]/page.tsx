import type { Metadata } from "next";
import { JobView } from "@/components/views/JobView";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const { id } = await params;
  return { title: `Job ${id}` };
}

export default async function JobPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const clean = /^\d{1,30}$/.test(id) ? id : null;
  return (
    <>
      <h1>Job {clean ?? "not found"}</h1>
      {clean ? <JobView id={clean} /> : <p className="error" role="alert">A job id is a number.</p>}
    </>
  );
}
