"""A release's edit of the file: the default image and pinned tenants' own, comments and layout kept."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from saas_ctl.spec.store import set_images
from tests.conftest import MINIMAL

FILE = (
    "# the fleet\n"
    + MINIMAL.replace("defaults:\n", 'defaults:\n  image: "app:1"   # what every tenant runs\n')
    + "  - name: globex\n    priority: 20\n    image: own/app:7  # pinned\n"
)


def test_the_default_image_is_replaced_on_its_line_keeping_its_comment(write_spec: Callable[..., Path]) -> None:
    path = write_spec(FILE)
    spec = set_images(path, "registry.example.com/app:2", {})
    assert spec.spec.defaults.image == "registry.example.com/app:2"
    assert path.read_text() == FILE.replace('image: "app:1"', "image: registry.example.com/app:2")


def test_a_pinned_tenants_image_is_replaced_with_the_default(write_spec: Callable[..., Path]) -> None:
    path = write_spec(FILE)
    set_images(path, "app:2", {"globex": "app:2"})
    assert path.read_text() == FILE.replace('image: "app:1"', "image: app:2").replace("own/app:7", "app:2")


def test_crlf_lines_stay_crlf(write_spec: Callable[..., Path]) -> None:
    path = write_spec("")
    path.write_bytes(FILE.replace("\n", "\r\n").encode())
    set_images(path, "app:2", {})
    assert path.read_bytes() == FILE.replace('image: "app:1"', "image: app:2").replace("\n", "\r\n").encode()


def test_a_file_without_a_default_image_gets_one_in_its_defaults(write_spec: Callable[..., Path]) -> None:
    path = write_spec(FILE.replace('  image: "app:1"   # what every tenant runs\n', ""))
    spec = set_images(path, "app:2", {"acme": "app:3"})
    assert (spec.spec.defaults.image, spec.spec.tenants[0].image) == ("app:2", "app:3")
    assert "# pinned" in path.read_text() and "# the fleet" in path.read_text()
