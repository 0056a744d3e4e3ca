# SPDX-License-Identifier: MIT
"""Every public name of the package has a docstring."""

import inspect

import selfseq


def public_members(obj):
    for name, value in vars(obj).items():
        if name.startswith("_"):
            continue
        yield name, value


def test_everything_public_is_documented():
    missing = []
    assert selfseq.__doc__
    for name in selfseq.__all__:
        obj = getattr(selfseq, name)
        if isinstance(obj, int):
            continue                      # constants are documented in the module
        if not inspect.getdoc(obj):
            missing.append(name)
        if inspect.isclass(obj):
            for member, value in public_members(obj):
                if isinstance(value, (int, str)) or inspect.isclass(value):
                    continue
                doc = value.__doc__ if isinstance(value, property) else inspect.getdoc(value)
                if not doc:
                    missing.append(f"{name}.{member}")
    assert not missing, f"no docstring: {missing}"
