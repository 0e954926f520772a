"""Data that leaves the platform: progress/response exports, xAPI statements, DPC traceability."""
