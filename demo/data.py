"""The demo's rows, as tables: institutions of both cities, one person per role, the parts of
three sample projects, exchange rates, and two calls for stays.

Codes and e-mail addresses are stable keys: the seed finds what it made before by them.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from cooperation.models import Institution
from cooperation.roles import Role
from exchanges.models import Direction
from projects.models import FundingCommitment

K = Institution.Kind
# (code, acronym, kind, city, ECOS member, website, ROR id, names es/ca/en)
INSTITUTIONS: list[tuple[str, str, str, str, bool, str, str, tuple[str, str, str]]] = [
    (
        "UNAM",
        "UNAM",
        K.UNIVERSITY,
        "CDMX",
        True,
        "https://www.unam.mx",
        "01tmp8f25",
        (
            "Universidad Nacional Autónoma de México",
            "Universitat Nacional Autònoma de Mèxic",
            "National Autonomous University of Mexico",
        ),
    ),
    (
        "IPN",
        "IPN",
        K.UNIVERSITY,
        "CDMX",
        True,
        "https://www.ipn.mx",
        "059sp8j34",
        (
            "Instituto Politécnico Nacional",
            "Institut Politècnic Nacional",
            "National Polytechnic Institute",
        ),
    ),
    (
        "UAM",
        "UAM",
        K.UNIVERSITY,
        "CDMX",
        True,
        "https://www.uam.mx",
        "02kta5139",
        (
            "Universidad Autónoma Metropolitana",
            "Universitat Autònoma Metropolitana",
            "Metropolitan Autonomous University",
        ),
    ),
    (
        "URC",
        "URC",
        K.UNIVERSITY,
        "CDMX",
        True,
        "https://www.rcastellanos.cdmx.gob.mx",
        "",
        (
            "Universidad Rosario Castellanos",
            "Universitat Rosario Castellanos",
            "Rosario Castellanos University",
        ),
    ),
    (
        "UACM",
        "UACM",
        K.UNIVERSITY,
        "CDMX",
        False,
        "https://www.uacm.edu.mx",
        "",
        (
            "Universidad Autónoma de la Ciudad de México",
            "Universitat Autònoma de la Ciutat de Mèxic",
            "Autonomous University of Mexico City",
        ),
    ),
    (
        "CINVESTAV",
        "Cinvestav",
        K.RESEARCH_CENTRE,
        "CDMX",
        True,
        "https://www.cinvestav.mx",
        "",
        (
            "Centro de Investigación y de Estudios Avanzados del IPN",
            "Centre de Recerca i d'Estudis Avançats de l'IPN",
            "Center for Research and Advanced Studies of the IPN",
        ),
    ),
    (
        "UB",
        "UB",
        K.UNIVERSITY,
        "BCN",
        False,
        "https://www.ub.edu",
        "021018s57",
        ("Universidad de Barcelona", "Universitat de Barcelona", "University of Barcelona"),
    ),
    (
        "UPC",
        "UPC",
        K.UNIVERSITY,
        "BCN",
        False,
        "https://www.upc.edu",
        "03mb6wj31",
        (
            "Universidad Politécnica de Cataluña",
            "Universitat Politècnica de Catalunya",
            "Polytechnic University of Catalonia",
        ),
    ),
    (
        "UAB",
        "UAB",
        K.UNIVERSITY,
        "BCN",
        False,
        "https://www.uab.cat",
        "052g8jq94",
        (
            "Universidad Autónoma de Barcelona",
            "Universitat Autònoma de Barcelona",
            "Autonomous University of Barcelona",
        ),
    ),
    (
        "UPF",
        "UPF",
        K.UNIVERSITY,
        "BCN",
        False,
        "https://www.upf.edu",
        "04n0g0b29",
        ("Universidad Pompeu Fabra", "Universitat Pompeu Fabra", "Pompeu Fabra University"),
    ),
    (
        "BSC",
        "BSC-CNS",
        K.RESEARCH_CENTRE,
        "BCN",
        False,
        "https://www.bsc.es",
        "05sd8tv96",
        (
            "Barcelona Supercomputing Center",
            "Barcelona Supercomputing Center",
            "Barcelona Supercomputing Center",
        ),
    ),
    (
        "BCN-ACTIVA",
        "",
        K.INCUBATOR,
        "BCN",
        False,
        "https://www.barcelonactiva.cat",
        "",
        ("Barcelona Activa", "Barcelona Activa", "Barcelona Activa"),
    ),
]

# (e-mail, first name, last name, role, city, institution code)
USERS: list[tuple[str, str, str, str, str | None, str | None]] = [
    ("admin@demo.cdmx-bcn.org", "Ada", "Admin", Role.PROGRAMME_ADMIN, None, None),
    ("oficial.cdmx@demo.cdmx-bcn.org", "Citlali", "Hernández", Role.OFFICIAL_CDMX, "CDMX", None),
    ("oficial.bcn@demo.cdmx-bcn.org", "Montserrat", "Puig", Role.OFFICIAL_BCN, "BCN", None),
    ("coordinacion.upc@demo.cdmx-bcn.org", "Jordi", "Vidal", Role.COORDINATOR, None, "UPC"),
    ("coordinacion.unam@demo.cdmx-bcn.org", "Mariana", "López", Role.COORDINATOR, None, "UNAM"),
    ("revisora@demo.cdmx-bcn.org", "Elena", "Ruiz", Role.REVIEWER, None, None),
    ("investigadora@demo.cdmx-bcn.org", "Ximena", "García", Role.RESEARCHER, None, "UNAM"),
]

D = datetime.date
CASH, IN_KIND = FundingCommitment.Kind.CASH, FundingCommitment.Kind.IN_KIND
# Funding of three imported projects: (project, city or institution code, amount, currency,
# year, kind).
FUNDING: list[tuple[str, str, str, str, int, str]] = [
    ("CDMX-BCN-2019-0001", "CDMX", "1850000.00", "MXN", 2019, CASH),
    ("CDMX-BCN-2019-0001", "BCN", "72000.00", "EUR", 2019, CASH),
    ("CDMX-BCN-2019-0001", "UPC", "18500.00", "EUR", 2020, IN_KIND),
    ("CDMX-BCN-2020-0001", "CDMX", "960000.00", "MXN", 2020, CASH),
    ("CDMX-BCN-2020-0001", "BCN", "45000.00", "EUR", 2021, CASH),
    ("CDMX-BCN-2020-0001", "IPN", "240000.00", "MXN", 2021, IN_KIND),
    ("CDMX-BCN-2021-0003", "CDMX", "2400000.00", "MXN", 2021, CASH),
    ("CDMX-BCN-2021-0003", "BCN", "95000.00", "EUR", 2022, CASH),
    ("CDMX-BCN-2021-0003", "UAM", "380000.00", "MXN", 2022, IN_KIND),
]
# Done milestones: (project, title, due, completed on, evidence link).
MILESTONES_DONE: list[tuple[str, str, datetime.date, datetime.date, str]] = [
    (
        "CDMX-BCN-2019-0001",
        "Instalación de 120 sensores en Iztapalapa",
        D(2019, 11, 30),
        D(2019, 11, 22),
        "",
    ),
    (
        "CDMX-BCN-2019-0001",
        "Plataforma de datos abiertos publicada",
        D(2020, 6, 30),
        D(2020, 7, 10),
        "https://datos.cdmx.gob.mx",
    ),
    (
        "CDMX-BCN-2019-0001",
        "Informe final y recomendaciones",
        D(2021, 2, 28),
        D(2021, 2, 20),
        "",
    ),
    (
        "CDMX-BCN-2020-0001",
        "Primera edición de talleres en 8 escuelas",
        D(2021, 6, 30),
        D(2021, 6, 25),
        "",
    ),
    (
        "CDMX-BCN-2020-0001",
        "Guía docente publicada en abierto",
        D(2022, 5, 31),
        D(2022, 6, 14),
        "",
    ),
    (
        "CDMX-BCN-2021-0003",
        "Diagnóstico de residuos en 12 mercados",
        D(2021, 12, 15),
        D(2021, 12, 10),
        "",
    ),
    (
        "CDMX-BCN-2021-0003",
        "Planta piloto de compostaje en la Central de Abasto",
        D(2023, 6, 30),
        D(2023, 9, 1),
        "",
    ),
]
# Indicators: (project, name, unit, baseline, target, [(date, value), ...]).
INDICATORS: list[tuple[str, str, str, str, str, list[tuple[datetime.date, str]]]] = [
    (
        "CDMX-BCN-2019-0001",
        "Sensores de calidad del agua instalados",
        "sensores",
        "0",
        "120",
        [(D(2019, 11, 30), "64"), (D(2020, 6, 30), "110"), (D(2021, 2, 28), "126")],
    ),
    (
        "CDMX-BCN-2019-0001",
        "Pérdidas de agua en la red piloto",
        "%",
        "38",
        "25",
        [(D(2020, 6, 30), "33"), (D(2021, 2, 28), "27")],
    ),
    (
        "CDMX-BCN-2020-0001",
        "Niñas participantes en los talleres",
        "personas",
        "0",
        "400",
        [(D(2021, 6, 30), "180"), (D(2022, 7, 31), "430")],
    ),
    (
        "CDMX-BCN-2021-0003",
        "Residuos orgánicos valorizados",
        "toneladas al año",
        "0",
        "1200",
        [(D(2022, 12, 31), "310"), (D(2023, 12, 31), "640"), (D(2024, 12, 31), "905")],
    ),
]
# Exchange rates kept by the officials: 1 base = rate quote.
RATES: list[tuple[str, str, str]] = [("EUR", "MXN", "21.350000"), ("USD", "MXN", "18.450000")]

# Calls for stays: (direction, host codes, currency, stipend, titles es/ca/en).
CALLS = [
    (
        Direction.CDMX_TO_BCN,
        ("UPC", "UB"),
        "EUR",
        Decimal("1800.00"),
        (
            "Estancias CDMX→BCN 2027",
            "Estades CDMX→BCN 2027",
            "Stays Mexico City→Barcelona 2027",
        ),
    ),
    (
        Direction.BCN_TO_CDMX,
        ("UNAM", "IPN"),
        "MXN",
        Decimal("32000.00"),
        (
            "Estancias BCN→CDMX 2027",
            "Estades BCN→CDMX 2027",
            "Stays Barcelona→Mexico City 2027",
        ),
    ),
]
# Evaluation criteria of both calls: (names es/ca/en, weight, the social and urban impact one).
CRITERIA = [
    (("Calidad científica", "Qualitat científica", "Scientific quality"), 40, False),
    (("Plan de trabajo", "Pla de treball", "Work plan"), 25, False),
    (("Impacto social y urbano", "Impacte social i urbà", "Social and urban impact"), 35, True),
]
