"""Users, roles and the scoped view: what each role can read, enforced where data is read."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import networkx as nx
import pytest

from dashboard.access.aggregates import cohorts_of, heat_cells, others_impact
from dashboard.access.scope import Access, Role, scoped_view, visible_operators
from dashboard.access.upload import admission
from dashboard.access.users import (
    UsersError,
    add_user,
    authenticate,
    load_users,
    remove_user,
    verify_password,
)
from graph.risk.blast import blast_radius
from graph.risk.concentration import concentration_report
from graph.risk.subject import Subject
from ingest.pipeline import parse_file
from ingest.source import IngestError
from tests.conftest import REPO

OWNED_KINDS = {"HostGroup", "Function", "Contract", "Operator"}


def operator(name: str) -> Access:
    return Access.for_role(Role.OPERATOR, user=name, operators=(name,))


def test_a_users_file_holds_salted_scrypt_hashes_readable_by_the_owner_only(
    tmp_path: Path,
) -> None:
    path = tmp_path / "users.json"
    add_user(path, "nw", "s3cret-pass", Role.OPERATOR, operators=("northwind-airlines",))
    add_user(path, "nw2", "s3cret-pass", Role.OPERATOR, operators=("northwind-airlines",))
    stored = json.loads(path.read_text())["users"]
    assert stored[0]["password"].startswith("scrypt$16384$8$1$")
    assert stored[0]["password"] != stored[1]["password"]  # salted
    assert "s3cret" not in path.read_text()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    users = load_users(path)
    assert authenticate(users, "nw", "s3cret-pass") is not None
    assert authenticate(users, "nw", "wrong-pass") is None
    assert authenticate(users, "nobody", "s3cret-pass") is None
    remove_user(path, "nw2")
    assert [u.name for u in load_users(path).users] == ["nw"]


@pytest.mark.parametrize(
    ("role", "scope", "message"),
    [
        (Role.OPERATOR, {}, "names its operators"),
        (Role.REGULATOR, {}, "sectors and/or jurisdictions"),
        (Role.ADMIN, {"sectors": ("banking",)}, "sees everything"),
    ],
)
def test_a_role_without_its_scope_is_refused(
    tmp_path: Path, role: Role, scope: dict[str, tuple[str, ...]], message: str
) -> None:
    with pytest.raises(UsersError, match=message):
        add_user(tmp_path / "u.json", "x", "long-enough", role, **scope)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "not JSON"),
        ('{"users": [{"name": "a", "role": "king", "password": "x"}]}', "invalid users file"),
    ],
)
def test_a_broken_users_file_is_one_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "users.json"
    path.write_text(content)
    with pytest.raises(UsersError, match=message) as e:
        load_users(path)
    assert "\n" not in str(e.value) and str(e.value).startswith(str(path))


def test_a_malformed_hash_never_verifies() -> None:
    assert not verify_password("scrypt$x$8$1$AAAA$AAAA", "anything")


def test_an_operator_reads_only_its_own_estate(view: nx.MultiDiGraph) -> None:
    scoped = scoped_view(view, operator("northwind-airlines"))
    owners = {
        d.get("operator", k)
        for k, d in scoped.graph.nodes(data=True)
        if d.get("kind") in OWNED_KINDS
    }
    assert owners == {"operator:northwind-airlines"}
    assert "hostgroup:harbor-bank/atm-kiosks" not in scoped.graph
    # shared facts stay: the analysis runs on them
    assert "channel:aegis-rapid-content" in scoped.graph
    # documents that only describe other operators are hidden, provenance included
    docs = {p.document_id for _, d in scoped.graph.nodes(data=True) for p in d["provenance"]}
    assert not docs & scoped.hidden_documents
    assert scoped.hidden_documents  # media.yaml, retail.yaml, ...


def test_the_scoped_blast_radius_is_the_operator_s_share_of_the_full_one(
    view: nx.MultiDiGraph,
) -> None:
    subject = Subject(kind="channel", ref="aegis-rapid-content")
    full = blast_radius(view, subject)
    mine = blast_radius(scoped_view(view, operator("northwind-airlines")).graph, subject)
    assert [o.operator for o in mine.operators] == ["operator:northwind-airlines"]
    expected = next(o for o in full.operators if o.operator == "operator:northwind-airlines")
    assert mine.hosts_down == expected.hosts_down == 2848


def test_a_regulator_reads_the_operators_of_its_sectors_and_jurisdictions(
    view: nx.MultiDiGraph,
) -> None:
    by_sector = Access.for_role(Role.REGULATOR, user="r", sectors=("aviation", "banking"))
    assert visible_operators(view, by_sector) == {
        "operator:northwind-airlines",
        "operator:skyport-airport",
        "operator:harbor-bank",
        "operator:meridian-savings",
    }
    both = Access.for_role(Role.REGULATOR, user="r", sectors=("banking",), jurisdictions=("DE",))
    assert visible_operators(view, both) == {"operator:meridian-savings"}


def test_admins_and_unscoped_auditors_read_the_view_itself(view: nx.MultiDiGraph) -> None:
    for access in (Access(user="a", role=Role.ADMIN), Access(user="b", role=Role.AUDITOR)):
        assert scoped_view(view, access).graph is view


def test_other_operators_are_only_cohort_totals_and_small_cohorts_are_suppressed(
    view: nx.MultiDiGraph,
) -> None:
    mine = {"operator:northwind-airlines"}
    cohorts = cohorts_of(view, mine, min_cohort=3)
    assert cohorts.total == 8
    assert cohorts.by_sector["aviation"] == 1  # skyport alone: never shown
    full = blast_radius(view, Subject(kind="channel", ref="aegis-rapid-content"))
    rows = {r.cohort: r for r in others_impact(full, mine, cohorts)}
    assert rows["all other operators"].hosts_down == full.hosts_down - 2848
    assert rows["aviation"].hosts_down is None
    dumped = json.dumps([r.model_dump() for r in rows.values()])
    assert "operator:" not in dumped and "hostgroup:" not in dumped
    cells = heat_cells(concentration_report(view), cohorts)
    assert {c.scope for c in cells} == {"estate"}  # no demo sector has 3 other operators


@pytest.mark.parametrize(
    ("user", "path", "message"),
    [
        ("harbor-bank", "sample_sboms/estate/media.yaml", "outside your operators"),
        ("harbor-bank", "sample_sboms/channels/aegis.yaml", "inventories of their own"),
    ],
)
def test_an_operator_uploads_only_inventories_of_its_own_operators(
    user: str, path: str, message: str
) -> None:
    admit = admission(operator(user))
    assert admit is not None
    with pytest.raises(IngestError, match=message) as e:
        admit(parse_file(REPO / path))
    assert str(e.value).startswith(str(REPO / path) + ": ")


def test_an_operator_may_upload_its_own_inventory() -> None:
    admit = admission(operator("harbor-bank"))
    assert admit is not None
    admit(parse_file(REPO / "sample_sboms/estate/harbor-bank-branches.csv"))


def test_auditors_and_regulators_are_read_only() -> None:
    for access in (
        Access(user="a", role=Role.AUDITOR),
        Access.for_role(Role.REGULATOR, user="r", sectors=("banking",)),
    ):
        admit = admission(access)
        assert admit is not None and not access.can_ingest
        with pytest.raises(IngestError, match="may not ingest"):
            admit(parse_file(REPO / "sample_sboms/estate/media.yaml"))
