"""Which packages the wheel holds: ours, and `data/` shipped as `innopoints_data`.

The metadata is in pyproject.toml; only the folder mapping needs code, because setuptools'
`packages.find` cannot rename a folder into a package. Each data folder is declared as a
sub-package of `innopoints_data` (setuptools warns about data folders it was not told of).
"""

from setuptools import find_namespace_packages, find_packages, setup

DATA_FOLDERS = [f"innopoints_data.{name}" for name in find_namespace_packages(where="data")
                if name.isidentifier() and not name.startswith("_")]

setup(
    packages=[*find_packages(include=["assistant*", "search*", "scoring*"]), "innopoints_data", *DATA_FOLDERS],
    package_dir={"innopoints_data": "data"},
    # *.npy and *.json: the demo zone's shipped passage vectors (data/demo_vectors/);
    # *.jsonl: the assistant's labelled utterances (data/assistant/).
    # scoring.store.migrations: the template `alembic revision` writes new migrations from.
    package_data={
        **{name: ["*.yaml", "*.txt", "*.md", "*.npy", "*.json", "*.jsonl"] for name in DATA_FOLDERS},
        # The portal's templates and static files (ECharts with its licence): no CDN at run time.
        "assistant.web": ["templates/*.html", "static/*.js", "static/*.css", "static/vendor/*"],
        "scoring.store.migrations": ["script.py.mako"],
    },
)
