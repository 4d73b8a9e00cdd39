"""Traceability matrix: each requirement of SITE-SPEC → validation rules → role steps → tests."""

from __future__ import annotations

from sitedoc.context import Context
from sitedoc.report import Heading, Page, Para, Table, status
from sitedoc.trace import CATALOGUE, Trace


def verdict(trace: Trace, req_id: str) -> str:
    gaps = trace.gaps(req_id)
    if not gaps:
        return status("ok", "traced")
    return status("fail" if len(gaps) == 3 else "warn", "gap: no " + ", no ".join(gaps))


def page(ctx: Context, trace: Trace) -> Page:
    rows = [[r["id"], f"§{r['section']}", r["statement"], r["source"], trace.rules.get(r["id"]),
             trace.appliers.get(r["id"]), trace.tests.get(r["id"]), verdict(trace, r["id"])]
            for r in trace.requirements]
    complete = sum(not trace.gaps(r["id"]) for r in trace.requirements)
    p = Page("traceability", "Traceability")
    p.add(Para(f"Each requirement of SITE-SPEC (`{CATALOGUE}`; source = seed document and section) with the "
               "validation rules, role steps and tests whose code carries its marker. "
               f"{complete} of {len(trace.requirements)} requirements are traced end to end; a gap names the missing "
               "link. Markers: `# req: SPEC-…` above a rule's `@rule`, in a role task file or playbook; "
               "`@pytest.mark.requirement(\"SPEC-…\")` on a test."),
          Table(["requirement", "SITE-SPEC", "statement", "source", "validation rules", "roles / tasks", "tests",
                 "status"], rows))
    if trace.unknown:
        p.add(Heading("Markers naming no requirement"),
              Table(["id", "where"], [[i, w] for i, w in trace.unknown]))
    rules = [[rule_id, description, ", ".join(sorted(r for r, ids in trace.rules.items() if rule_id in ids))]
             for rule_id, description in ctx.rules.items()]
    p.add(Heading("What validation checks"), Table(["rule", "what it checks", "requirements"], rules))
    return p
