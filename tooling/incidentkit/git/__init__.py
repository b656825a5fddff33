"""All of incidentkit's git access: history for turnaround, diffs for the gate.

Nothing else in the package imports GitPython. The submodules import it only
when a function is called, so `incidentkit --version` and the commands that
never touch history start without loading it.

- `repo`: opening the repository, running git, resolving refs (errors -> `GitError`)
- `history`: one `git log` pass over `evals/` -> first commit time per incident ID
- `diff`: merge base, the PR's changed record files, files of another commit
- `refs`: record file names on every local and remote-tracking branch (ID allocation)
- `location`: the git directory shared by every worktree (the lint cache, the ID lock)
"""
