"""sites.copy_of: a site the test may change, sharing nothing mutable with the session's loaded site."""

from __future__ import annotations

import sites


def test_a_copy_has_the_same_data_and_changing_it_leaves_the_loaded_site_as_it_was(rcr_site):
    before = (repr(rcr_site.vars), repr(rcr_site.hosts), repr(rcr_site.groups))
    copy = sites.copy_of(rcr_site)
    assert (copy.vars, copy.hosts, copy.groups) == (rcr_site.vars, rcr_site.hosts, rcr_site.groups)
    host = next(h for h in copy.hosts.values() if isinstance(h.vars.get("vm"), dict))
    host.vars["vm"]["memory"] = -1
    host.groups.append("junk")
    next(v for v in copy.vars.values() if isinstance(v, list)).append("junk")
    copy.groups["all"].append("junk")
    copy.vars["site_new"] = 1
    assert (repr(rcr_site.vars), repr(rcr_site.hosts), repr(rcr_site.groups)) == before


def test_modified_replaces_one_fact_of_one_host(rcr_site):
    host = next(iter(rcr_site.hosts))
    site = sites.modified(**{f"{host}__site_ip": "junk"})
    assert site.hosts[host].vars["site_ip"] == "junk" and rcr_site.hosts[host].vars.get("site_ip") != "junk"
