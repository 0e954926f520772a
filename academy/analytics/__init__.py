"""Figures for trainers and coordinators: item analysis, the cohort dashboard, their chart builders."""
