"""Which packages the wheel holds: ours, and `data/` shipped as `innopoints_data`.

The metadata is in pyproject.toml; only the folder mapping needs code, because setuptools'
`packages.find` cannot rename a folder into a package.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["assistant*", "search*", "scoring*"]), "innopoints_data"],
    package_dir={"innopoints_data": "data"},
    package_data={"innopoints_data": ["*/*.yaml", "*/*.txt", "*/*.md"]},
)
