"""Test-run set-up for the whole repository (tests/ and the nbval run of notebooks/)."""
import pytest


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """With ``--dist loadgroup`` the cells of one notebook stay on one worker (nbval runs them in one kernel);
    every other test, each student-copy run among them, goes to whichever worker is free."""
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.xdist_group(item.path.name))
