"""Safe edits of tenants.yaml: comment-preserving, validated, atomic and serialised between processes.

An edit is: take the advisory lock, read and validate the current file, change the ruamel round-trip
tree, validate the result with the very loader every command uses, then write it to a temporary file,
fsync it and rename it over the original. A result that does not validate never replaces the file, and a
crash at any point leaves either the old file or the new one, never half of either.

An edit that is asked about first (`tenant add` and `tenant move` preview the deploy and ask a person) is
split in two: :func:`propose_add` or :func:`propose_move` works out the new file from the file as read,
holding no lock, so that other editors are not kept waiting while the person answers; :func:`commit` then
takes the lock, checks that the file is still as read, and writes. A file changed meanwhile is left as the
other editor wrote it (:class:`ChangedMeanwhile`, exit 2): the command is run again.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import itertools
import json
import os
import re
import shlex
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from saas_ctl import settings
from saas_ctl.errors import InputError, InputIssue, SaasctlError, SpecError, UsageError
from saas_ctl.spec import cells
from saas_ctl.spec.loader import LoadedSpec, load_bytes

Edit = Callable[[Any, LoadedSpec], None]  # changes the round-trip tree, given the file's current spec


@dataclass(frozen=True)
class NewTenant:
    """What `tenant add` was asked for; unset values come from the file's defaults."""

    name: str
    hosts: tuple[str, ...] = ()
    cpu: int | None = None
    memory: int | None = None
    image: str | None = None
    tier: str | None = None

    def typed(self) -> Typed:
        """Where each value came from on the command line."""
        given: dict[tuple[str | int, ...], str] = {("name",): shlex.quote(self.name)}
        given.update({("hosts", i): f"--host {shlex.quote(host)}" for i, host in enumerate(self.hosts)})
        for key in ("cpu", "memory", "image", "tier"):
            value = getattr(self, key)
            if value is not None:
                given[(key,)] = f"--{key} {shlex.quote(str(value))}"
        return Typed(self.name, given)


@dataclass(frozen=True)
class Typed:
    """What a command line gave for one tenant's entry, so that an edit it makes invalid is said at the flags
    typed (``--memory 1000: ...``) rather than at a line of a file that was never written. ``given`` maps a path
    within the tenant's entry (``("memory",)``, ``("hosts", 0)``) to the flag or argument as typed; a problem at
    a setting not typed (a default that no longer fits, a priority saasctl chose) is said at the tenant's name."""

    name: str
    given: dict[tuple[str | int, ...], str]

    @classmethod
    def of_changes(cls, name: str, changes: Changes) -> Typed:
        """What `tenant set` was given (``changes``: keys of the tenant's entry, dotted within it)."""
        given: dict[tuple[str | int, ...], str] = {}
        for key, value in changes.items():
            flag = _SET_FLAGS.get(key)
            if flag is not None:
                given[tuple(key.split("."))] = f"{flag} {shlex.quote('none' if value is None else str(value))}"
        return cls(name, given)

    def issues(self, error: SpecError, index: int) -> list[InputIssue] | None:
        """``error``'s issues said at the flags typed; None when one of them is about the rest of the file."""
        found = []
        for issue in error.issues:
            own = f"tenants[{index}]"
            if not (issue.path == own or issue.path.startswith((f"{own}.", f"{own}["))):
                return None
            within = _parts(issue.path[len(own) :])
            typed = next((self.given[within[:n]] for n in range(len(within), 0, -1) if within[:n] in self.given), None)
            related = self.given.get((_RELATED[within[0]],)) if within and within[0] in _RELATED else None
            # a rule about a mapping whose keys were typed (autoscaling's min and max): the flags that set them
            inside = " ".join(text for key, text in self.given.items() if within and key[: len(within)] == within)
            given = typed or related or inside or shlex.quote(self.name)
            found.append(InputIssue(given, _ECHOED.sub("", issue.message) if typed else issue.message))
        return found


# A tenant's settings as `tenant set`, `suspend` and `resume` change them: a key of its entry (``cpu``), or of a
# mapping in it (``autoscaling.max``), to its new value; None removes the key (the tier or defaults then apply).
Changes = dict[str, Any]


_held = threading.local()  # the lock paths this thread holds: a nested edit does not wait for itself


# `tenant set`'s flag for each key of a tenant's entry it sets (suspend and resume set theirs without one).
_SET_FLAGS = {
    "tier": "--tier",
    "image": "--image",
    "cpu": "--cpu",
    "memory": "--memory",
    "desired_count": "--desired-count",
    "autoscaling.min": "--min",
    "autoscaling.max": "--max",
    "log_retention_days": "--log-retention-days",
    "container_port": "--port",
}
# A Fargate size is cpu and memory together: a memory from the defaults refused for the cpu typed is the cpu's doing.
_RELATED: dict[str | int, str] = {"memory": "cpu", "cpu": "memory"}
_ECHOED = re.compile(r" \(got [^()]*\)$")  # the value repeated after a message: the flag typed already shows it


def _parts(path: str) -> tuple[str | int, ...]:
    """``.hosts[0]`` -> ``("hosts", 0)``: the inverse of the loader's format_path, within a tenant."""
    return tuple(int(index) if index else key for key, index in re.findall(r"\.?([^.\[\]]+)|\[(\d+)\]", path))


def shown(path: Path) -> str:
    """A path as messages show it: relative to the working directory when it is under it (as the user names
    files), else as it is."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve())) if path.is_absolute() else str(path)
    except ValueError:
        return str(path)


@contextlib.contextmanager
def locked(path: Path, timeout: float | None = None, purpose: str = "") -> Iterator[None]:
    """Hold the advisory lock of ``path``: a sidecar file, since the data file itself is replaced on write.

    The lock is the fleet's: edits take it, and so do the steps of other commands that must see the file as it
    is (README, "Concurrent commands"). It is an ``flock``, released by the kernel when its holder exits, so a
    lock that is held always has a live holder: the sidecar names it (pid and command) for whoever waits.
    Re-entrant within a thread."""
    lock_path = path.with_name(f".{path.name}.lock")
    held: set[Path] = _held.__dict__.setdefault("paths", set())
    if lock_path in held:
        yield
        return
    timeout = settings.LOCK_TIMEOUT.value() if timeout is None else timeout
    with open(lock_path, "a+b") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise LockTimeout(path, lock_path, timeout) from None
                time.sleep(0.02)
        held.add(lock_path)
        try:
            _name_holder(handle, purpose)
            yield
        finally:
            held.discard(lock_path)
            fcntl.flock(handle, fcntl.LOCK_UN)


def _name_holder(handle: Any, purpose: str) -> None:
    """Write who holds the lock into the sidecar (best effort: a read-only sidecar still locks)."""
    command = " ".join(["saasctl", *sys.argv[1:]]) if sys.argv else "saasctl"
    with contextlib.suppress(OSError):
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()} {purpose or command}\n".encode())
        handle.flush()


def lock_holder(lock_path: Path) -> tuple[int, str] | None:
    """(pid, what it is doing) of the process that last took the lock, as the sidecar says."""
    try:
        first = lock_path.read_text(encoding="utf-8", errors="replace").splitlines()[0]
        pid, _, what = first.partition(" ")
        return int(pid), what
    except (OSError, IndexError, ValueError):
        return None


class LockTimeout(SaasctlError):
    """The file's lock stayed held by another process for longer than the timeout: exit 1. The holder is alive
    (an flock dies with its process), so the message names it and never suggests deleting the lock."""

    def __init__(self, path: Path, lock_path: Path, timeout: float) -> None:
        holder = lock_holder(lock_path)
        who = f"pid {holder[0]}: {holder[1]}" if holder else "another process"
        waiting_for = f"pid {holder[0]}" if holder else "it"
        super().__init__(
            f"{path} is locked by another saasctl process ({who}) for more than {timeout:.0f} s",
            hint=f"wait for {waiting_for} to finish, then run the command again (the lock is released when its holder"
            " exits: do not delete the lock file)",
        )


@contextlib.contextmanager
def fleet_lock(file: Path, purpose: str) -> Iterator[None]:
    """The file's lock, held by a step of another command that must not interleave with edits (a destroy, a
    prune); ``purpose`` is what waiting editors are told the holder is doing."""
    with _faults_reported(file), locked(_real(file), purpose=purpose):
        yield


class DeclaredNow:
    """The tenants the file declares at the moment of asking: read again under the file's lock on every call,
    so that a step about to destroy or re-create a stack sees what concurrent edits did since the command began
    (validated again only when the bytes changed). Thread-safe."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self._mutex = threading.Lock()
        self._raw: bytes | None = None
        self._names: frozenset[str] = frozenset()

    def names(self) -> frozenset[str]:
        with fleet_lock(self.file, purpose=f"saasctl reading {self.file}"):
            raw = _read(_real(self.file))
        with self._mutex:
            if raw != self._raw:
                self._names = frozenset(t.name for t in load_bytes(raw, str(self.file)).spec.tenants)
                self._raw = raw
            return self._names


class ChangedMeanwhile(UsageError):
    """The file was changed by someone else between a proposal and its commit: nothing was written."""


@dataclass(frozen=True)
class Proposal:
    """An edit worked out from the file as read, not written yet: :func:`commit` writes it if the file is
    still what was read."""

    file: Path  # as the user named it (for messages)
    path: Path  # the real file (a symlinked tenants.yaml is edited where it lives)
    read: bytes  # the file as the edit was worked out from
    written: bytes  # the file the edit makes
    spec: LoadedSpec  # the new, valid spec


def add_tenant(path: Path, request: NewTenant) -> LoadedSpec:
    """Append a tenant in the cell with the most room, with the lowest priority free there; return the new,
    valid spec."""
    return _edit(path, _adding(path, request), request.typed())


def propose_add(path: Path, request: NewTenant) -> Proposal:
    """:func:`add_tenant` worked out without writing (and without the lock): see :func:`commit`."""
    return _propose(path, _adding(path, request), request.typed())


def _adding(path: Path, request: NewTenant) -> Edit:
    def edit(tree: Any, current: LoadedSpec) -> None:
        if any(t.name == request.name for t in current.spec.tenants):
            raise UsageError(
                f"tenant {request.name!r} is already declared in {path}",
                hint=f"`saasctl tenant up {request.name}` deploys it as declared",
            )
        entry = CommentedMap()
        entry["name"] = request.name
        if request.hosts:
            entry["hosts"] = CommentedSeq(request.hosts)
            entry["hosts"].fa.set_flow_style()
        placement = cells.place(current.spec)
        entry["priority"] = placement.priority
        entry["cell"] = placement.cell
        for key in ("tier", "image", "cpu", "memory"):
            value = getattr(request, key)
            if value is not None:
                entry[key] = value
        if not isinstance(tree.get("tenants"), list):
            tree["tenants"] = CommentedSeq()
        tree["tenants"].append(entry)

    return edit


def move_tenant(path: Path, name: str, cell: int) -> LoadedSpec:
    """Put the tenant called ``name`` in ``cell`` (its priority kept if free there, else the lowest free one);
    return the new, valid spec. The cell is an existing one or the next new one."""
    return _edit(path, _moving(path, name, cell))


def propose_move(path: Path, name: str, cell: int) -> Proposal:
    """:func:`move_tenant` worked out without writing (and without the lock): see :func:`commit`."""
    return _propose(path, _moving(path, name, cell))


def _moving(path: Path, name: str, cell: int) -> Edit:
    def edit(tree: Any, current: LoadedSpec) -> None:
        tenant, index = _declared(path, current, name)
        count = cells.cell_count(current.spec)
        if not 1 <= cell <= count + 1:
            raise UsageError(
                f"cell {cell} does not exist: the environment has cells 1-{count}",
                hint=f"move to one of them, or to {count + 1} to open a new cell",
            )
        if cells.cell_of(tenant) == cell:
            raise UsageError(f"tenant {name!r} is already in cell {cell}")
        entry = tree["tenants"][index]
        priority = cells.priority_after_move(current.spec, tenant, cell)
        _set_after(entry, "priority", priority, after="hosts" if "hosts" in entry else "name")
        _set_after(entry, "cell", cell, after="priority")

    return edit


def _declared(path: Path, current: LoadedSpec, name: str) -> tuple[Any, int]:
    names = [t.name for t in current.spec.tenants]
    if name not in names:
        raise UsageError(
            f"tenant {name!r} is not declared in {path}", hint=f"declared tenants: {', '.join(names) or 'none'}"
        )
    index = names.index(name)
    return current.spec.tenants[index], index


def _set_after(entry: Any, key: str, value: Any, after: str) -> None:
    """Set ``key`` in a tenant's mapping: in place when present, else right after ``after``."""
    if key in entry:
        entry[key] = value
    else:
        keys = list(entry.keys())
        entry.insert(keys.index(after) + 1 if after in keys else len(keys), key, value)


def change_tenant(path: Path, name: str, changes: Changes) -> LoadedSpec:
    """Set (or, for None, remove) the named tenant's settings; return the new, valid spec. The file is written
    only when something changes: a change to what the file already says writes nothing."""
    return _edit(path, _changing(path, name, changes), Typed.of_changes(name, changes))


def propose_change(path: Path, name: str, changes: Changes) -> Proposal:
    """:func:`change_tenant` worked out without writing (and without the lock): see :func:`commit`."""
    return _propose(path, _changing(path, name, changes), Typed.of_changes(name, changes))


def _changing(path: Path, name: str, changes: Changes) -> Edit:
    def edit(tree: Any, current: LoadedSpec) -> None:
        entry = tree["tenants"][_declared(path, current, name)[1]]
        for key, value in changes.items():
            mapping, leaf = entry, key
            if "." in key:
                parent, leaf = key.split(".", 1)
                if parent not in entry or entry[parent] is None:
                    if value is None:
                        continue
                    _set_after(entry, parent, CommentedMap(), after=_last_setting(entry))
                mapping = entry[parent]
            if value is None:
                mapping.pop(leaf, None)
            elif mapping.get(leaf) != value or leaf not in mapping:
                _set_after(mapping, leaf, value, after=_last_setting(mapping))

    return edit


def _last_setting(mapping: Any) -> str:
    keys = list(mapping.keys())
    return str(keys[-1]) if keys else ""


def unchanged(proposal: Proposal) -> bool:
    """Whether the proposed edit leaves the file as it is (a setting set to the value it has)."""
    return proposal.written == proposal.read


def remove_tenant(path: Path, name: str) -> LoadedSpec:
    """Remove the tenant called ``name``; return the new, valid spec."""

    def edit(tree: Any, current: LoadedSpec) -> None:
        del tree["tenants"][_declared(path, current, name)[1]]

    return _edit(path, edit)


def set_images(path: Path, default: str | None, tenants: Mapping[str, str]) -> LoadedSpec:
    """Set ``defaults.image`` (unless ``default`` is None) and the named tenants' own ``image``: a release's
    edit, and its undoing; return the new, valid spec. Where each of those is already a one-line ``image: ...``
    the values are replaced on their lines (a round trip of a file of thousands of tenants takes seconds);
    otherwise, or when the result is not exactly the edit, the file goes through the round trip."""

    def edit(tree: Any, current: LoadedSpec) -> None:
        if default is not None:
            if not isinstance(tree.get("defaults"), dict):
                tree["defaults"] = CommentedMap()
            tree["defaults"]["image"] = default
        for name, image in tenants.items():
            tree["tenants"][_declared(path, current, name)[1]]["image"] = image

    real = _real(path)
    with _faults_reported(path), locked(real):
        _collect_stale_temporaries(real)
        raw = _read(real)
        current = load_bytes(raw, str(real))
        wanted: dict[tuple[str | int, ...], str] = {("defaults", "image"): default} if default is not None else {}
        names = [t.name for t in current.spec.tenants]
        wanted.update({("tenants", names.index(n), "image"): i for n, i in tenants.items() if n in names})
        fast = _scalars_in_place(raw, current, wanted)
        if fast is not None and fast[1].spec == _with_images(current, default, tenants):
            write_atomically(real, fast[0])
            return fast[1]
        proposal = _work_out(path, real, raw, edit, None)
        write_atomically(real, proposal.written)
        return proposal.spec


_SCALAR_LINE = re.compile(
    r"^(?P<head>\s*(?:- )?image:[ \t]+)"
    r"(?P<value>[^\s#'\"][^\s#]*|'[^'\n]*'|\"[^\"\n]*\")"
    r"(?P<tail>[ \t]*(?:#.*)?)$"
)


def _scalars_in_place(
    raw: bytes, current: LoadedSpec, wanted: Mapping[tuple[str | int, ...], str]
) -> tuple[bytes, LoadedSpec] | None:
    """``raw`` with each ``image:`` line at the given paths holding its new value, and the spec it loads as; None
    when one of them is not such a line."""
    lines = raw.decode("utf-8").split("\n")
    for key, value in wanted.items():
        number = current.document.lines.get(key)
        found = _SCALAR_LINE.match(lines[number - 1].rstrip("\r")) if number else None
        if number is None or found is None:
            return None
        shown = value if value[:1].isalnum() else json.dumps(value)
        ending = "\r" if lines[number - 1].endswith("\r") else ""
        lines[number - 1] = f"{found.group('head')}{shown}{found.group('tail')}{ending}"
    written = "\n".join(lines).encode("utf-8")
    try:
        return written, load_bytes(written, current.file)
    except SpecError:
        return None


def _with_images(current: LoadedSpec, default: str | None, tenants: Mapping[str, str]) -> Any:
    """The spec the edit is to make, to check a faster edit against."""
    spec = current.spec
    if default is not None:
        spec = spec.model_copy(update={"defaults": spec.defaults.model_copy(update={"image": default})})
    changed = [t.model_copy(update={"image": tenants[t.name]}) if t.name in tenants else t for t in spec.tenants]
    return spec.model_copy(update={"tenants": changed})


def commit(proposal: Proposal) -> LoadedSpec:
    """Write a proposed edit: under the lock, if the file is still as it was read; else
    :class:`ChangedMeanwhile` and the file stays as the other editor left it. Returns the new spec."""
    path = proposal.path
    if unchanged(proposal):
        return proposal.spec
    with _faults_reported(proposal.file), locked(path):
        _collect_stale_temporaries(path)
        if _read(path) != proposal.read:
            raise ChangedMeanwhile(
                f"{proposal.file} changed while this command was waiting (another edit was written meanwhile), "
                "so this edit was not written",
                hint="run the command again: it starts from the file as it is now",
            )
        write_atomically(path, proposal.written)
    return proposal.spec


def _edit(path: Path, edit: Edit, typed: Typed | None = None) -> LoadedSpec:
    """One edit, read, worked out and written under the lock (nothing waits on a person in between)."""
    real = _real(path)
    with _faults_reported(path), locked(real):
        _collect_stale_temporaries(real)
        proposal = _work_out(path, real, _read(real), edit, typed)
        if not unchanged(proposal):
            write_atomically(real, proposal.written)
        return proposal.spec


def _propose(path: Path, edit: Edit, typed: Typed | None = None) -> Proposal:
    real = _real(path)
    with _faults_reported(path):
        return _work_out(path, real, _read(real), edit, typed)


def _real(path: Path) -> Path:
    # A symlinked tenants.yaml (the file lives in a shared config repository) is edited where it lives, under
    # that file's lock: replacing the link itself would leave the real file unchanged.
    return Path(os.path.realpath(path))


@contextlib.contextmanager
def _faults_reported(path: Path) -> Iterator[None]:
    """Filesystem faults (a full disk, a read-only file system, an unwritable lock) as one line naming the path
    and the cause; the file is then unchanged."""
    try:
        yield
    except OSError as exc:
        where = shown(Path(exc.filename)) if exc.filename else path
        raise SaasctlError(
            f"could not edit {path}: {exc.strerror or exc} ({where}); the file was left unchanged"
        ) from None


def _read(path: Path) -> bytes:
    if not path.exists():
        raise UsageError(f"{shown(path)} does not exist", hint="pass -f FILE or set SAASCTL_FILE")
    return path.read_bytes()


def _work_out(file: Path, path: Path, raw: bytes, edit: Edit, typed: Typed | None) -> Proposal:
    """The edit applied to ``raw`` (the file's bytes), validated with the loader every command uses. Messages
    name the file as the user did; problems of the values a command line gave (``typed``) are said at its flags."""
    current = load_bytes(raw, str(file))
    layout = Layout.of(raw)
    yaml = _round_trip(raw.decode("utf-8-sig"))
    yaml.explicit_start = layout.explicit_start
    yaml.explicit_end = layout.explicit_end
    tree = yaml.load(raw)
    edit(tree, current)
    buffer = io.BytesIO()
    yaml.dump(tree, buffer)
    new_raw = layout.apply(buffer.getvalue())
    try:
        result = load_bytes(new_raw, str(file))
    except SpecError as exc:
        names = [t.name for t in current.spec.tenants]
        if typed is not None:
            index = names.index(typed.name) if typed.name in names else len(names)
            issues = typed.issues(exc, index)
            if issues is not None:
                raise InputError(issues, hint=f"{file} was left unchanged") from None
        exc.message = f"the edit would make {file} invalid, so the file was left unchanged"
        raise
    return Proposal(file, path, raw, new_raw, result)


BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Layout:
    """What a round trip through ruamel would otherwise lose of the file's own form."""

    crlf: bool
    bom: bool
    explicit_start: bool  # a '---' line opens the document
    explicit_end: bool  # a '...' line closes it
    preamble: bytes = b""  # comment lines before '---', which ruamel drops

    @classmethod
    def of(cls, raw: bytes) -> Layout:
        text = raw.removeprefix(BOM).decode("utf-8")
        lines = [line.strip() for line in text.splitlines()]
        content = [line for line in lines if line and not line.startswith("#")]
        explicit_start = bool(content) and content[0].startswith("---")
        preamble = ""
        if explicit_start:
            head = text.splitlines(keepends=True)
            preamble = "".join(itertools.takewhile(lambda line: not line.startswith("---"), head))
        return cls(
            crlf=b"\r\n" in raw,
            bom=raw.startswith(BOM),
            explicit_start=explicit_start,
            explicit_end=bool(content) and content[-1] == "...",
            preamble=preamble.replace("\r\n", "\n").encode(),
        )

    def apply(self, dumped: bytes) -> bytes:
        if self.preamble and not dumped.startswith(self.preamble):
            dumped = self.preamble + dumped
        if self.crlf:
            dumped = dumped.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        return BOM + dumped if self.bom else dumped


def _temporary_prefix(path: Path) -> str:
    return f".{path.name}."


def _collect_stale_temporaries(path: Path) -> None:
    """Temporary files that an edit killed before its rename left behind (only ever written under the lock
    this edit now holds, so none of them belongs to a running edit)."""
    for stale in path.parent.glob(f"{_temporary_prefix(path)}*.tmp"):
        with contextlib.suppress(OSError):
            stale.unlink()


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that readers see the old or the new file, never a partial one; the
    file keeps its permissions and, where the writer may set it (root), its owner."""
    before = path.stat() if path.exists() else None
    fd, temp = tempfile.mkstemp(prefix=_temporary_prefix(path), suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, before.st_mode & 0o7777 if before else 0o644)
        if before is not None and (before.st_uid, before.st_gid) != (os.geteuid(), os.getegid()):
            with contextlib.suppress(PermissionError):  # only root may give a file away
                os.chown(temp, before.st_uid, before.st_gid)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


_KEY_LINE = re.compile(r"^( *)[^\s#-][^:#]*:\s*(?:#.*)?$")
_ITEM_LINE = re.compile(r"^( *)- ")
_NESTED_LINE = re.compile(r"^( +)[^\s#-]")


def _round_trip(text: str) -> YAML:
    """A ruamel round-trip YAML set to the file's own indentation, so untouched parts are written back as-is."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a user's long lines
    mapping, sequence, offset = _detect_indent(text)
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    # ruamel writes null as an empty value; keep the explicit `null` that tenants files use.
    yaml.representer.add_representer(type(None), _represent_null)
    return yaml


def _represent_null(representer: Any, _: None) -> Any:
    return representer.represent_scalar("tag:yaml.org,2002:null", "null")


def _detect_indent(text: str) -> tuple[int, int, int]:
    lines = text.splitlines()
    mapping, offset = 2, 2
    for line in lines:
        nested = _NESTED_LINE.match(line)
        if nested:
            mapping = len(nested.group(1))
            break
    for previous, line in itertools.pairwise(lines):
        key, item = _KEY_LINE.match(previous), _ITEM_LINE.match(line)
        if key and item:
            offset = len(item.group(1)) - len(key.group(1))
            break
    return mapping, offset + 2, offset
