"""Reference values for the probe numerics tests (Tests/StatisticsTests/ProbeNumericsTests.swift).

Dev tool only: needs numpy and scikit-learn (`python3 -m venv v && v/bin/pip install scikit-learn`).
Prints scikit-learn's f_classif, f_regression, Ridge and L2 LogisticRegression results on the small tables
the tests define, to 17 significant digits.
"""
import numpy as np
from sklearn.feature_selection import f_classif, f_regression
from sklearn.linear_model import LogisticRegression, Ridge

X = np.array([
    [0.5, 1.0, -2.0],
    [1.5, 0.0, -1.0],
    [2.0, 1.0, 0.5],
    [3.5, 0.0, 1.0],
    [4.0, 1.0, 0.0],
    [5.5, 0.0, 2.5],
    [6.0, 1.0, 1.5],
    [7.5, 1.0, 3.0],
])
labels = np.array([0, 1, 1, 0, 1, 1, 0, 1])
values = np.array([1.0, 2.5, 2.0, 4.0, 4.5, 6.5, 6.0, 8.5])

def show(name, array):
    print(name, "[" + ", ".join(repr(float(v)) for v in np.ravel(array)) + "]")

show("f_classif", f_classif(X, labels)[0])
show("f_regression", f_regression(X, values)[0])
ridge = Ridge(alpha=2.0).fit(X, values)
show("ridge_coef", ridge.coef_)
show("ridge_intercept", [ridge.intercept_])
for weight in [None, "balanced"]:
    model = LogisticRegression(C=0.7, class_weight=weight, tol=1e-12, max_iter=100000).fit(X, labels)
    show(f"logistic_{weight}_coef", model.coef_)
    show(f"logistic_{weight}_intercept", model.intercept_)
