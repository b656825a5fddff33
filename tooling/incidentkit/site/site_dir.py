"""Where the site may be written: MkDocs empties its site_dir before every build.

`mkdocs build` deletes everything in site_dir first, so a site_dir that is the
repository, a record folder or docs_dir would delete the records themselves.
`unsafe_site_dir` names those places (the plugin and `incidentkit build` both
refuse them), and with them every folder `output_guard.never_empty` protects
whatever the flags (a `.git`, the home folder, `/`, the working directory and
its ancestors). `looks_like_site` tells a previous build from an unrelated
folder, which only `incidentkit build --force` may replace; `check_site_dir`
puts the two together for `incidentkit build`. No MkDocs import.
"""

from __future__ import annotations

from pathlib import Path

from incidentkit.config import Config
from incidentkit.errors import UsageError
from incidentkit.output_guard import kind_of, never_empty

# Files every MkDocs Material build writes at the top of site_dir.
SITE_MARKERS = ("sitemap.xml", "404.html", "search/search_index.json")


def protected_folders(repo: Config, docs_dir: Path | None) -> list[tuple[str, Path]]:
    """The folders a build must never empty, each with the setting that names it."""
    folders = [
        ("incidents_dir", repo.incidents_dir),
        ("postmortems_dir", repo.postmortems_dir),
        ("evals_dir", repo.evals_dir),
        ("schemas_dir", repo.schemas_dir),
        ("templates_dir", repo.templates_dir),
    ]
    found = [(name, (repo.root / folder).resolve()) for name, folder in folders]
    if docs_dir is not None:
        found.append(("docs_dir", docs_dir.resolve()))
    return found


def unsafe_site_dir(site_dir: Path, repo: Config, docs_dir: Path | None = None) -> str | None:
    """Why building into `site_dir` would delete records, or None when it would not."""
    site = site_dir.resolve()
    root = repo.root.resolve()
    fix = "choose a folder of its own, such as site/"
    if root.is_relative_to(site):
        what = "the repository root" if site == root else f"a parent of the repository {root}"
        return f"site dir {site} is {what}; the build empties the site dir first, so {fix}"
    for name, folder in protected_folders(repo, docs_dir):
        if site == folder:
            relation = f"is the {name} folder"
        elif folder.is_relative_to(site):
            relation = f"contains {folder} ({name})"
        elif site.is_relative_to(folder):
            relation = f"lies inside {folder} ({name})"
        else:
            continue
        return (
            f"site dir {site} {relation}; "
            f"the build empties the site dir first and would delete its files, so {fix}"
        )
    guarded = never_empty(site)
    if guarded is not None:
        return f"site dir {guarded}; the build empties the site dir first, so {fix}"
    return None


def check_site_dir(target: Path, repo: Config, docs_dir: Path | None, force: bool) -> None:
    """Refuse a site dir whose contents the build would destroy (MkDocs empties it).

    `force` lets an unrelated folder be replaced, never a protected one.
    """
    problem = unsafe_site_dir(target, repo, docs_dir)
    if problem is not None:
        raise UsageError(problem)
    odd = kind_of(target)
    if odd is not None or (target.exists() and not target.is_dir()):
        what = odd or "a file"
        raise UsageError(f"site dir {target} is {what}; choose a folder, such as site/")
    if not force and not looks_like_site(target):
        raise UsageError(
            f"site dir {target} is not empty and is not a previous site build "
            f"(no {', '.join(SITE_MARKERS)}); the build replaces it, so choose an empty "
            "or new folder, or pass --force to delete its contents"
        )


def looks_like_site(folder: Path) -> bool:
    """True for a missing or empty folder, or one that holds a previous MkDocs build."""
    if not folder.exists():
        return True
    if not folder.is_dir():
        return False
    if next(folder.iterdir(), None) is None:
        return True
    return any((folder / marker).is_file() for marker in SITE_MARKERS)
