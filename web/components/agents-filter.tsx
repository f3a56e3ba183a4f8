"use client";
// The agents directory's filter: which role and which order, as search parameters (?role=&sort=)
// the server renders the table for (app/agents/page.tsx).
import type { ReactNode } from "react";
import { ChoiceRows, useServerChoice } from "./server-choice";
import { AGENT_ROLES, AGENT_SORTS, type AgentRole, type AgentSort } from "@/lib/agentlist";

const ROLE_LABELS: Record<AgentRole, string> = { all: "Every agent", provider: "Providers", requester: "Requesters", validator: "Validators" };

export function AgentFilter({ role, sort, children }: { role: AgentRole; sort: AgentSort; children: ReactNode }) {
  const { chosen, choose: go, stale } = useServerChoice({ role, sort }, (c) => `?role=${c.role}&sort=${c.sort}`);
  return (
    <section aria-labelledby="agents-h">
      <div className="section-head">
        <h2 id="agents-h">Registered agents</h2>
        <div className="filters">
          <div className="field inline">
            <label htmlFor="agent-role">Show</label>
            <select id="agent-role" value={chosen.role} onChange={(e) => go({ ...chosen, role: e.target.value as AgentRole })}>
              {(Object.keys(AGENT_ROLES) as AgentRole[]).map((r) => <option key={r} value={r}>{ROLE_LABELS[r]}</option>)}
            </select>
          </div>
          <div className="field inline">
            <label htmlFor="agent-sort">Order by</label>
            <select id="agent-sort" value={chosen.sort} onChange={(e) => go({ ...chosen, sort: e.target.value as AgentSort })}>
              {(Object.keys(AGENT_SORTS) as AgentSort[]).map((s) => <option key={s} value={s}>{AGENT_SORTS[s].label}</option>)}
            </select>
          </div>
        </div>
      </div>
      <ChoiceRows stale={stale}>{children}</ChoiceRows>
    </section>
  );
}
