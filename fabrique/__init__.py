"""Tableau de bord du réseau Fabrique à initiatives (Avise): data, queries and views."""
