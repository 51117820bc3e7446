"""Values AWS refuses: generated tenants files per class, and how many `validate` plus offline preflight accept.

Each class writes FILES tenants files (a seeded generator), every one valid but for one value of its class that AWS
(or Pulumi, on its way to AWS) refuses at deploy time; the target is 0 accepted for every class. Each bad file has a
control: the same file with that value made right, which must be accepted (so a file is refused for its flaw, not
for something else). Both sides run the same files: this tree and BASELINE, from a temporary git worktree.

Then name collisions: target group names of tenants sharing a long prefix, under the earlier 6-hex-character hash
and the 12-base-36-character one, and (with --chosen) the time to find a chosen collision with the earlier one.

Run: python bench/hostile_values.py [--files N] [--seed N] [--chosen]
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.worktree import checked_out  # noqa: E402

# main when issue 19's values work began.
BASELINE = "6f3be2e"

Document = dict[str, Any]
Pair = tuple[Document, Document]  # (the file with the bad value, the same file made right)


def base(region: str = "us-east-1", tenants: int = 2) -> Document:
    return {
        "platform": {
            "project": "saas",
            "environment": "dev",
            "region": region,
            "domain": "example.com",
            "database": {"engine_version": "15.8"},
        },
        "defaults": {"cpu": 256, "memory": 512},
        "tenants": [{"name": f"t{i}", "priority": i + 1} for i in range(tenants)],
    }


def word(rng: random.Random, low: int = 3, high: int = 10) -> str:
    return rng.choice("abcdefghijklmnopqrstuvwxyz") + "".join(
        rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(rng.randint(low, high) - 1)
    )


def recased(rng: random.Random, text: str) -> str:
    """``text`` with at least one letter in the other case."""
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    flip = set(rng.sample(letters, rng.randint(1, len(letters))))
    return "".join(c.swapcase() if i in flip else c for i, c in enumerate(text))


# ---- the classes ---------------------------------------------------------------------------------------------------


def case_duplicate_hosts(rng: random.Random) -> Pair:
    bad, good = base(), base()
    for doc in (bad, good):
        doc["platform"]["dns"] = {"zone_name": "example.com"}
    host = f"{word(rng)}.example.com"
    bad["tenants"][0]["hosts"] = [host, f"{word(rng)}.example.com", recased(rng, host)]
    good["tenants"][0]["hosts"] = [host, f"{word(rng)}.example.com", f"{word(rng)}-2.example.com"]
    return bad, good


ZONES = json.loads((REPO / "saas_ctl/preflight/data/availability_zones.json").read_text())["zones"]
# Regions without the RDS Data API, which saasctl refuses whatever else a file says (DB-DATA-API-REGION): a control
# there would be refused for its Region, not made right, so no class draws its Region from them.
NO_DATA_API = set(json.loads((REPO / "saas_ctl/preflight/data/data_api_regions.json").read_text())["unavailable"])


def zones_above_the_regions(rng: random.Random) -> Pair:
    region = rng.choice(sorted(r for r, count in ZONES.items() if count < 6 and r not in NO_DATA_API))
    bad, good = base(region), base(region)
    bad["platform"]["network"] = {"availability_zones": rng.randint(ZONES[region] + 1, 6)}
    good["platform"]["network"] = {"availability_zones": ZONES[region]}
    return bad, good


# Characters ELB does not take in a health check path (anything outside letters, digits and @:%_+.~#?&/=-).
PATH_REFUSED = " {}\"<>|^`\\[]!$'()*,;é\t"


def health_check_path(rng: random.Random) -> Pair:
    segments = [word(rng, 2, 8) for _ in range(rng.randint(1, 4))]
    good_path = "/" + "/".join(segments) + rng.choice(["", "?probe=1", "?a=b&c=%7B"])
    at = rng.randint(1, len(good_path))
    bad_path = good_path[:at] + rng.choice(PATH_REFUSED) + good_path[at:]
    bad, good = base(), base()
    bad["tenants"][1]["health_check_path"] = bad_path
    good["tenants"][1]["health_check_path"] = good_path
    return bad, good


# RDS classes of families Aurora PostgreSQL does not offer, and Aurora families in sizes they do not come in.
RDS_ONLY = ["m5", "m5d", "m6g", "m6gd", "m6i", "m6id", "m6in", "m7g", "m7i", "m8g", "r5b", "r5d", "r6in", "x1", "x1e"]
RDS_ONLY += ["z1d", "c6gd"]
SIZES = ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"]
WRONG_SIZES = [("r6g", "24xlarge"), ("r6g", "medium"), ("r5", "32xlarge"), ("x2g", "24xlarge"), ("r6i", "48xlarge")]
WRONG_SIZES += [("r6g", "metal"), ("r7g", "nano"), ("t4g", "xlarge"), ("t3", "2xlarge")]


def non_aurora_instance_class(rng: random.Random) -> Pair:
    if rng.random() < 0.7:
        cls = f"db.{rng.choice(RDS_ONLY)}.{rng.choice(SIZES)}"
    else:
        family, size = rng.choice(WRONG_SIZES)
        cls = f"db.{family}.{size}"
    bad, good = base(), base()
    bad["platform"]["database"]["instance_class"] = cls
    good["platform"]["database"]["instance_class"] = f"db.{rng.choice(['r6g', 'r7g', 'r8g', 'r6i'])}.large"
    return bad, good


GENERATED_KEYS = ["project", "environment", "tenant", "managed-by"]


def tag_keys_equal_ignoring_case(rng: random.Random) -> Pair:
    bad, good = base(), base()
    key = word(rng)
    variant = rng.randrange(3)
    if variant == 0:  # within one mapping
        bad["tenants"][0]["tags"] = {key: "a", recased(rng, key): "b"}
        good["tenants"][0]["tags"] = {key: "a", key + "2": "b"}
    elif variant == 1:  # against saasctl's own keys
        bad["platform"]["tags"] = {recased(rng, rng.choice(GENERATED_KEYS)): "x"}
        good["platform"]["tags"] = {key: "x"}
    else:  # a tenant's key against the platform's
        for doc in (bad, good):
            doc["platform"]["tags"] = {key: "x"}
        bad["tenants"][1]["tags"] = {recased(rng, key): "y"}
        good["tenants"][1]["tags"] = {key: "y"}
    return bad, good


def last_label_not_alphabetic(rng: random.Random) -> Pair:
    label = rng.choice(["com", "io", "net", "org", "dev"])
    at = rng.randint(0, len(label))
    bad_label = label[:at] + rng.choice(["0", "9", "-", "*", "?", "1-"]) + label[at:]
    if bad_label.startswith("-") or bad_label.endswith("-"):
        bad_label = bad_label.strip("-") + "1"
    bad, good = base(), base()
    bad["tenants"][0]["hosts"] = [f"{word(rng)}.example.{bad_label}"]
    good["tenants"][0]["hosts"] = [f"{word(rng)}.example.{label}"]
    return bad, good


def equals_in_a_tag_key(rng: random.Random) -> Pair:
    left, right = word(rng), word(rng)
    bad, good = base(), base()
    where = rng.choice([("platform",), ("tenants", 0)])
    for doc, key in ((bad, f"{left}={right}"), (good, f"{left}-{right}")):
        owner = doc["platform"] if where == ("platform",) else doc["tenants"][0]
        owner["tags"] = {key: word(rng)}
    return bad, good


def duplicate_hosts_in_a_tenant(rng: random.Random) -> Pair:
    host = f"{word(rng)}.example.com"
    others = [f"{word(rng)}-{i}.example.com" for i in range(rng.randint(0, 3))]
    bad, good = base(), base()
    bad["tenants"][1]["hosts"] = [host, *others, host]
    good["tenants"][1]["hosts"] = [host, *others]
    return bad, good


PARTITIONS = {"us-gov-west-1": "aws-us-gov", "us-gov-east-1": "aws-us-gov", "cn-north-1": "aws-cn"}
PARTITIONS |= {"cn-northwest-1": "aws-cn", "us-east-1": "aws", "eu-west-1": "aws", "ap-south-1": "aws"}


def partition_of_an_arn(rng: random.Random) -> Pair:
    region = rng.choice(sorted(r for r in PARTITIONS if r not in NO_DATA_API))
    wrong = rng.choice(sorted({p for p in PARTITIONS.values() if p != PARTITIONS[region]}))
    account = "".join(rng.choice("0123456789") for _ in range(12))
    bad, good = base(region), base(region)
    if rng.random() < 0.6:  # the certificate
        for doc, partition in ((bad, wrong), (good, PARTITIONS[region])):
            arn = f"arn:{partition}:acm:{region}:{account}:certificate/{word(rng)}"
            doc["platform"]["load_balancer"] = {"certificate_arn": arn}
    else:  # a private image, whose repository ARN the execution role's policy names
        other = rng.choice(sorted(r for r, p in PARTITIONS.items() if p != PARTITIONS[region]))
        for doc, where in ((bad, other), (good, region)):
            suffix = "amazonaws.com.cn" if where.startswith("cn-") else "amazonaws.com"
            doc["tenants"][0]["image"] = f"{account}.dkr.ecr.{where}.{suffix}/{word(rng)}:1"
    return bad, good


# Decimal digits of other scripts (Unicode Nd): Python's \d matches every one of them.
DIGIT_ZEROS = [0x0660, 0x06F0, 0x0966, 0x09E6, 0x0E50, 0xFF10, 0x1040, 0x0AE6]


def other_scripts_digits(rng: random.Random) -> Pair:
    ascii_account = "".join(rng.choice("0123456789") for _ in range(12))
    zero = rng.choice(DIGIT_ZEROS)
    positions = set(rng.sample(range(12), rng.randint(1, 12)))
    account = "".join(chr(zero + int(d)) if i in positions else d for i, d in enumerate(ascii_account))
    bad, good = base(), base()
    if rng.random() < 0.8:
        for doc, digits in ((bad, account), (good, ascii_account)):
            arn = f"arn:aws:acm:us-east-1:{digits}:certificate/{word(rng)}"
            doc["platform"]["load_balancer"] = {"certificate_arn": arn}
    else:
        bad["platform"]["region"] = "us-east-" + chr(zero + 1)
    return bad, good


CLASSES: dict[str, Callable[[random.Random], Pair]] = {
    "case-duplicate Route 53 hosts": case_duplicate_hosts,
    "AZ count above the Region's": zones_above_the_regions,
    "health-check path characters": health_check_path,
    "non-Aurora instance classes": non_aurora_instance_class,
    "tag keys equal ignoring case": tag_keys_equal_ignoring_case,
    "host whose last label is not alphabetic": last_label_not_alphabetic,
    "'=' in a tag key": equals_in_a_tag_key,
    "duplicate hosts within a tenant": duplicate_hosts_in_a_tenant,
    "ARN of another partition": partition_of_an_arn,
    "other scripts' digits in ARNs": other_scripts_digits,
}


def write_files(directory: Path, files: int, seed: int) -> None:
    for index, (name, generate) in enumerate(CLASSES.items()):
        rng = random.Random(f"{seed}/{name}")
        for kind in ("bad", "good"):
            (directory / str(index) / kind).mkdir(parents=True)
        for number in range(files):
            for kind, doc in zip(("bad", "good"), generate(rng), strict=True):
                text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
                (directory / str(index) / kind / f"{number:04d}.yaml").write_text(text, encoding="utf-8")


# Counts, in the tree given first, the files of each class that validate and offline preflight accept.
COUNT = r"""
import json, sys, time
from pathlib import Path
tree, files = sys.argv[1], Path(sys.argv[2])
sys.path.insert(0, tree)
import saas_ctl
assert saas_ctl.__file__.startswith(tree), saas_ctl.__file__
from saas_ctl.errors import SpecError
from saas_ctl.preflight import catalog, offline
from saas_ctl.preflight.findings import Severity
from saas_ctl.spec.loader import load_bytes

def accepted(path):
    try:
        loaded = load_bytes(path.read_bytes(), str(path))
    except SpecError:
        return False
    found = offline.check(loaded.spec, catalog.load(loaded.spec.platform.region))
    return not any(f.severity is Severity.ERROR for f in found)

counts = {}
for group in sorted(files.iterdir(), key=lambda p: int(p.name)):
    start = time.perf_counter()
    bad = sum(accepted(p) for p in sorted((group / "bad").iterdir()))
    seconds = time.perf_counter() - start
    good = sum(accepted(p) for p in sorted((group / "good").iterdir()))
    counts[group.name] = [bad, good, seconds]
print(json.dumps(counts))
"""


def count(tree: Path, files: Path, cache: Path) -> dict[str, list[float]]:
    env = {"XDG_CACHE_HOME": str(cache), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", COUNT, str(tree), str(files)], check=True, capture_output=True, text=True, env=env
    )
    counts: dict[str, list[float]] = json.loads(done.stdout)
    return counts


# ---- name collisions -----------------------------------------------------------------------------------------------


def collisions(names: int) -> None:
    from infra.naming import TenantNames, fit

    prefix = "marketplace", "production"
    full = [f"{prefix[0]}-customer-account-{i:06d}-{prefix[1]}-8080" for i in range(names)]
    legacy = [fit(name, 32) for name in full]
    current = [TenantNames(prefix[0], prefix[1], "us-east-1", f"customer-account-{i:06d}").target_group(8080)
               for i in range(names)]  # fmt: skip
    seen: dict[str, int] = {}
    first = next((i for i, name in enumerate(legacy) if seen.setdefault(name, i) != i), None)
    print(f"\n{names:,} tenants sharing a 30-character prefix (target group names over 32 characters):")
    print(f"  6 hex characters (24 bits):      {names - len(set(legacy)):>4} collisions, the first at tenant {first}")
    print(f"  12 base-36 characters (62 bits): {names - len(set(current)):>4} collisions")


def chosen_collision() -> None:
    """Time to find a second tenant whose name, shortened with the 24-bit hash, equals a given tenant's: names that
    share its readable prefix, tried until one's hash matches (about 2**24 tries)."""
    from infra.naming import fit

    target = fit("saas-victim-tenant-with-a-long-name-prod-8080", 32)
    start = time.perf_counter()
    for attempt in itertools.count():
        if fit(f"{target[:25]}{attempt:012d}-8080", 32) == target:
            break
    print(f"  a chosen collision with the 24-bit hash: {attempt + 1:,} names, {time.perf_counter() - start:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=300, help="files per class")
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--names", type=int, default=20_000)
    parser.add_argument("--chosen", action="store_true", help="also time a chosen 24-bit collision (tens of seconds)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        files, cache = Path(directory) / "files", Path(directory) / "cache"
        write_files(files, args.files, args.seed)
        now = count(REPO, files, cache)
        with checked_out(BASELINE) as baseline:
            before = count(baseline, files, cache)
    print(f"{args.files} files per class (seed {args.seed}); accepted by validate + offline preflight")
    print(f"{'class':<42}{'baseline':>9}{'now':>6}{'controls now':>14}{'time now':>10}")
    for index, name in enumerate(CLASSES):
        bad, good, seconds = now[str(index)]
        print(f"{name:<42}{int(before[str(index)][0]):>9}{int(bad):>6}{int(good):>9}/{args.files:<4}{seconds:>9.2f}s")
    total_before = sum(int(v[0]) for v in before.values())
    total_now = sum(int(v[0]) for v in now.values())
    print(f"{'all classes':<42}{total_before:>9}{total_now:>6}   of {args.files * len(CLASSES):,} files")
    collisions(args.names)
    if args.chosen:
        chosen_collision()


if __name__ == "__main__":
    main()
