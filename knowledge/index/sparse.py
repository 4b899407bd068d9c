"""A row-compressed sparse matrix and a randomized truncated SVD over it, in plain numpy.

Just enough linear algebra for LSA on a few thousand documents without scipy: products with dense matrices
in both orientations, done row-block by row-block so that memory stays bounded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]

_BLOCK_NNZ = 200_000  # stored values handled per step: bounds the temporary (nnz x k) product


@dataclass(frozen=True, slots=True)
class CsrMatrix:
    indptr: IntArray
    indices: IntArray
    data: FloatArray
    shape: tuple[int, int]

    @classmethod
    def from_rows(cls, rows: Sequence[tuple[Sequence[int], Sequence[float]]], columns: int) -> CsrMatrix:
        """One (column indices, values) pair per row; a row's indices must be distinct."""
        lengths = np.array([len(cols) for cols, _ in rows], dtype=np.int64)
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        indices = np.fromiter((c for cols, _ in rows for c in cols), dtype=np.int64, count=int(indptr[-1]))
        data = np.fromiter((v for _, vals in rows for v in vals), dtype=np.float32, count=int(indptr[-1]))
        return cls(indptr, indices, data, (len(rows), columns))

    def transpose(self) -> CsrMatrix:
        rows = np.repeat(np.arange(self.shape[0], dtype=np.int64), np.diff(self.indptr))
        order = np.argsort(self.indices, kind="stable")
        counts = np.bincount(self.indices, minlength=self.shape[1])
        indptr = np.zeros(self.shape[1] + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        return CsrMatrix(indptr, rows[order], self.data[order], (self.shape[1], self.shape[0]))

    def dot(self, dense: npt.NDArray[np.floating]) -> FloatArray:
        """``self @ dense`` as a dense float32 array."""
        out = np.zeros((self.shape[0], dense.shape[1]), dtype=np.float32)
        dense32 = dense.astype(np.float32, copy=False)
        row = 0
        while row < self.shape[0]:
            end = int(np.searchsorted(self.indptr, self.indptr[row] + _BLOCK_NNZ, side="right")) - 1
            end = min(max(end, row + 1), self.shape[0])
            start_nnz, end_nnz = int(self.indptr[row]), int(self.indptr[end])
            if end_nnz > start_nnz:
                products = self.data[start_nnz:end_nnz, None] * dense32[self.indices[start_nnz:end_nnz]]
                lengths = np.diff(self.indptr[row : end + 1])
                owners = np.repeat(np.arange(end - row), lengths)
                _sum_rows(out[row:end], owners, products)
            row = end
        return out


def _sum_rows(target: FloatArray, owners: npt.NDArray[np.int64], products: FloatArray) -> None:
    """target[owner] += product for runs of equal owners (owners are sorted), via reduceat on run starts."""
    starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
    target[owners[starts]] += np.add.reduceat(products, starts, axis=0)


def randomized_svd(
    matrix: CsrMatrix, rank: int, *, oversample: int = 10, iterations: int = 1, seed: int = 0
) -> tuple[FloatArray, FloatArray]:
    """The ``rank`` leading singular values and right singular vectors (columns) of ``matrix``.

    Halko, Martinsson and Tropp's randomized range finder with power iterations, arranged so that every dense
    factorisation is of a small (width x width) matrix: orthonormalising goes through the eigenvectors of the
    Gram matrix, and the final SVD through the eigenvectors of ``B B^T``. Deterministic for a given seed; signs
    are fixed so that each vector's largest entry is positive.
    """
    rank = min(rank, *matrix.shape)
    width = min(rank + oversample, *matrix.shape)
    transposed = matrix.transpose()
    rng = np.random.default_rng(seed)
    sample = matrix.dot(rng.standard_normal((matrix.shape[1], width)).astype(np.float32))
    for _ in range(iterations):
        sample = matrix.dot(transposed.dot(_orthonormal(sample)))
    basis = _orthonormal(sample)
    projected = transposed.dot(basis).astype(np.float64)  # B^T, (columns x width)
    values, vectors = np.linalg.eigh(projected.T @ projected)
    order = np.argsort(values)[::-1][:rank]
    singular = np.sqrt(np.clip(values[order], 1e-12, None))
    right = (projected @ vectors[:, order]) / singular
    signs = np.sign(right[np.abs(right).argmax(axis=0), np.arange(right.shape[1])])
    signs[signs == 0] = 1
    return singular.astype(np.float32), (right * signs).astype(np.float32)


def _orthonormal(columns: FloatArray) -> FloatArray:
    """An orthonormal basis of the span of ``columns`` through the eigenvectors of their Gram matrix."""
    wide = columns.astype(np.float64)
    values, vectors = np.linalg.eigh(wide.T @ wide)
    keep = values > values.max() * 1e-10
    basis: FloatArray = ((wide @ vectors[:, keep]) / np.sqrt(values[keep])).astype(np.float32)
    return basis
