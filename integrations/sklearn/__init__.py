"""scikit-learn integration: AlbacoreSearchCV, a hyperparameter search estimator.

Importing this package imports scikit-learn (the search subclasses ``BaseEstimator``);
without it, the import raises an ImportError naming ``pip install 'albacore[sklearn]'``.
It needs scikit-learn >= 1.6.
"""

from albacore._imports import require

require("sklearn", extra="sklearn", feature="albacore.integrations.sklearn")

from albacore.integrations.sklearn._search import AlbacoreSearchCV  # noqa: E402

__all__ = ["AlbacoreSearchCV"]
