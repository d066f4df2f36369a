"""Build the Cython core.

The compiler directives live here, once. Kernels run with bounds checks off because every array
they see has been validated in Python first; ``YUNPEI_MATCH_CYTHON_DEBUG=1`` turns the checks
back on for a debug build (``YUNPEI_MATCH_CYTHON_DEBUG=1 pip install -e .``).
"""

import os

import numpy as np
from Cython.Build import cythonize
from setuptools import Extension, setup

DEBUG = os.environ.get("YUNPEI_MATCH_CYTHON_DEBUG", "") not in ("", "0")

directives = {
    "language_level": "3",
    "boundscheck": DEBUG,
    "wraparound": DEBUG,
    "initializedcheck": DEBUG,
    "cdivision": not DEBUG,
    "embedsignature": True,
    "autotestdict": False,
    "auto_pickle": False,
}

extensions = [
    Extension(
        f"yunpei_match.{name.replace('/', '.')}",
        [f"src/yunpei_match/{name}.pyx"],
        include_dirs=[np.get_include()],
        define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
        extra_compile_args=["-O0", "-g"] if DEBUG else ["-O3"],
    )
    for name in ("_core", "_stock", "_vin", "planning/_kernels")
]

setup(ext_modules=cythonize(extensions, compiler_directives=directives))
