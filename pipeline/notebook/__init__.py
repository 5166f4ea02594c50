"""Helpers of the two notebooks: each cell calls one function here.

``explore`` looks at a run (label counts, strongest sentences, an article
rendered with displaCy); ``retraining`` trains on a user's own labels and
compares the new model with the shipped one.
"""
