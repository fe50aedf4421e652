"""Readers that turn public third-party tables into canonical recipe frames (read in place).

These datasets are for benchmarks and tests only: they are read from where they lie (the team's
``../shared/datasets``), never copied into this repository.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from cathodeml.data.io import RecipeValidationError
from cathodeml.data.rules import check_frame

#: mA/g taken as 1 C when a table gives only a current density. Tree models are invariant to this
#: scale (it only shifts log10 C-rate); it is stated so the converted C-rates can be read.
NOMINAL_1C_MA_G = 200.0


def read_ncm_ml_doped(folder: str | Path) -> pd.DataFrame:
    """The doped-NCM table of Wang, Fearn, Wang & Choy (ACS Cent. Sci. 2021, 10.1021/acscentsci.1c00611).

    Each row becomes a recipe: the formula ``Li_a Ni_b Co_c Mn_d M_e O2`` from the stoichiometry
    columns and the row's dopant symbol (from the provenance file), ``dopant_mol_pct`` = 100·M/(Ni+Co+Mn+M),
    the voltage window, ``capacity_c_rate`` = current density / 200 mA g⁻¹, ``source`` = the row's
    DOI. ``capacity_mah_g`` = IC (initial discharge capacity); the 50th-cycle capacity EC is kept
    in the extra column ``capacity_50_mah_g`` (not a canonical target). Lattice constants are not
    used: a candidate recipe has no measured XRD.

    Ten of the 168 rows give a stoichiometry that is not a layered oxide by the reader's rule
    (:mod:`cathodeml.data.cathode`: metals 1 ± 0.02 or Li + metals 2 ± 0.02; e.g. row 0,
    Li1.19Ni0.13Co0.13Mn0.49Rb0.01O2, has Li + metals = 1.95). They are left out, not repaired:
    ``frame.attrs["excluded"]`` maps each one's ``record_id`` to the reader's message. The
    frame's index is the row of ``NMC_numerical_new.csv``, so other columns of that file can be
    aligned with ``raw.loc[frame.index]``. Any other problem raises.
    """
    folder = Path(folder)
    data = pd.read_csv(folder / "NMC_numerical_new.csv", encoding="utf-8-sig")
    prov = pd.read_csv(folder / "DERIVED_NMC_numerical_new_row_provenance.csv").set_index("csv_row")
    prov = prov.loc[data.index]
    doped = data["M"].to_numpy() > 0

    def fmt(x: float) -> str:
        return f"{x:.4g}"

    formulas = [
        f"Li{fmt(r.Li)}Ni{fmt(r.Ni)}Co{fmt(r.Co)}Mn{fmt(r.Mn)}" + (f"{sym}{fmt(r.M)}" if r.M > 0 else "") + "O2"
        for r, sym in zip(data.itertuples(), prov["dopant"])
    ]
    tm = data[["Ni", "Co", "Mn", "M"]].sum(axis=1).to_numpy()
    raw = pd.DataFrame({
        "record_id": [f"ncmml-{i:03d}" for i in data.index],
        "source": prov["doi"].str.lower().to_numpy(),
        "notes": "Wang et al. ACS Cent. Sci. 2021 dataset (NMC_numerical_new.csv), row " + data.index.astype(str),
        "cathode": formulas,
        "dopant": np.where(doped, prov["dopant"].to_numpy(), ""),
        "dopant_mol_pct": np.where(doped, (100 * data["M"] / tm).round(4), np.nan),
        "v_min": data["V_min"], "v_max": data["V_max"],
        "capacity_c_rate": (data["CD"] / NOMINAL_1C_MA_G).round(6),
        "cell_type": "half",
        "electrolyte": "liquid",
        "capacity_mah_g": data["IC"],
        "capacity_50_mah_g": data["EC"],
    })
    result = check_frame(raw.astype(str).replace({"nan": ""}), dataset=True, rows=data.index.to_numpy())
    unexpected = [p for p in result.problems if p.column != "cathode" or p.row is None]
    if unexpected:
        raise RecipeValidationError(folder, result.problems)
    excluded = {p.row: p.message for p in result.problems}
    frame = result.frame.set_axis(data.index).drop(index=list(excluded))
    frame.attrs["excluded"] = {f"ncmml-{row:03d}": msg for row, msg in excluded.items()}
    return frame
