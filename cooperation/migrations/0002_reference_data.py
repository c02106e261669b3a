"""Seed the programme's frame: the MoU of 4 December 2025, its two parties, areas and axes.

Keyed on stable codes and written with update_or_create, so running it on a database that
already has the rows corrects their texts; the reverse removes exactly these codes.
"""

import datetime

from django.db import migrations

PARTIES = [
    {
        "code": "CDMX",
        "currency": "MXN",
        "time_zone": "America/Mexico_City",
        "name": {"es": "Ciudad de México", "ca": "Ciutat de Mèxic", "en": "Mexico City"},
        "government": {
            "es": "Gobierno de la Ciudad de México, a través de la Secretaría de Educación, Ciencia, Tecnología e Innovación (SECTEI)",
            "ca": "Govern de la Ciutat de Mèxic, per mitjà de la Secretaria d'Educació, Ciència, Tecnologia i Innovació (SECTEI)",
            "en": "Government of Mexico City, through the Ministry of Education, Science, Technology and Innovation (SECTEI)",
        },
    },
    {
        "code": "BCN",
        "currency": "EUR",
        "time_zone": "Europe/Madrid",
        "name": {"es": "Barcelona", "ca": "Barcelona", "en": "Barcelona"},
        "government": {
            "es": "Ayuntamiento de Barcelona",
            "ca": "Ajuntament de Barcelona",
            "en": "Barcelona City Council",
        },
    },
]

AGREEMENT = {
    "code": "MOU-2025",
    "signed_on": datetime.date(2025, 12, 4),
    "valid_from": datetime.date(2025, 12, 4),
    "signatories": (
        "Pedro Moctezuma, Secretario de Educación, Ciencia, Tecnología e Innovación, "
        "en representación de Clara Brugada, Jefa de Gobierno de la Ciudad de México\n"
        "Jaume Collboni, Alcalde de Barcelona"
    ),
    "title": {
        "es": "Memorándum de Entendimiento entre la Ciudad de México y Barcelona para la cooperación en ciencia, tecnología, educación e innovación urbana",
        "ca": "Memoràndum d'Entesa entre la Ciutat de Mèxic i Barcelona per a la cooperació en ciència, tecnologia, educació i innovació urbana",
        "en": "Memorandum of Understanding between Mexico City and Barcelona on cooperation in science, technology, education and urban innovation",
    },
    "summary": {
        "es": "Marco de cooperación bilateral para ejecutar proyectos conjuntos en ciencia, tecnología, educación e innovación urbana en ocho áreas estratégicas y cuatro ejes, integrando universidades, centros de investigación y el sector productivo.",
        "ca": "Marc de cooperació bilateral per executar projectes conjunts en ciència, tecnologia, educació i innovació urbana en vuit àrees estratègiques i quatre eixos, integrant universitats, centres de recerca i el sector productiu.",
        "en": "A bilateral cooperation framework to carry out joint projects in science, technology, education and urban innovation across eight strategic areas and four axes, bringing together universities, research centres and the productive sector.",
    },
}

AREAS = [
    (
        "ECOS_RD",
        {
            "es": (
                "I+D de la Red ECOS: inteligencia artificial, biotecnología, salud pública y economía circular",
                "Colaboración en investigación y desarrollo para fortalecer la Red ECOS en inteligencia artificial, biotecnología, salud pública y economía circular.",
            ),
            "ca": (
                "R+D de la Xarxa ECOS: intel·ligència artificial, biotecnologia, salut pública i economia circular",
                "Col·laboració en recerca i desenvolupament per enfortir la Xarxa ECOS en intel·ligència artificial, biotecnologia, salut pública i economia circular.",
            ),
            "en": (
                "ECOS Network R&D: artificial intelligence, biotechnology, public health and circular economy",
                "Research and development collaboration to strengthen the ECOS Network in artificial intelligence, biotechnology, public health and the circular economy.",
            ),
        },
    ),
    (
        "OPEN_SCIENCE",
        {
            "es": (
                "Plataformas de ciencia abierta y ciencia ciudadana",
                "Intercambio de buenas prácticas para desarrollar plataformas públicas de ciencia abierta, con la Oficina de Ciencia Ciudadana de Barcelona como modelo de referencia.",
            ),
            "ca": (
                "Plataformes de ciència oberta i ciència ciutadana",
                "Intercanvi de bones pràctiques per desenvolupar plataformes públiques de ciència oberta, amb l'Oficina de Ciència Ciutadana de Barcelona com a model de referència.",
            ),
            "en": (
                "Open science platforms and citizen science",
                "Exchange of good practice to develop public open science platforms, with the Barcelona Citizen Science Office as the reference model.",
            ),
        },
    ),
    (
        "TECH_TRANSFER",
        {
            "es": (
                "Innovación y transferencia de tecnología",
                "Iniciativas conjuntas de innovación y transferencia de conocimiento y tecnología entre universidades, centros y sector productivo.",
            ),
            "ca": (
                "Innovació i transferència de tecnologia",
                "Iniciatives conjuntes d'innovació i transferència de coneixement i tecnologia entre universitats, centres i sector productiu.",
            ),
            "en": (
                "Innovation and technology transfer",
                "Joint initiatives in innovation and the transfer of knowledge and technology between universities, centres and the productive sector.",
            ),
        },
    ),
    (
        "URBAN_WATER",
        {
            "es": (
                "Política urbana sostenible y gestión de recursos hidráulico-ambientales",
                "Iniciativas conjuntas sobre políticas urbanas sostenibles y la gestión eficiente de los recursos hidráulicos y ambientales.",
            ),
            "ca": (
                "Política urbana sostenible i gestió de recursos hidràulics i ambientals",
                "Iniciatives conjuntes sobre polítiques urbanes sostenibles i la gestió eficient dels recursos hidràulics i ambientals.",
            ),
            "en": (
                "Sustainable urban policy and hydraulic-environmental resource management",
                "Joint initiatives on sustainable urban policy and the efficient management of hydraulic and environmental resources.",
            ),
        },
    ),
    (
        "STEAM_EDUCATION",
        {
            "es": (
                "Educación STEAM",
                "Intercambio de metodologías y experiencias de educación en ciencia, tecnología, ingeniería, artes y matemáticas.",
            ),
            "ca": (
                "Educació STEAM",
                "Intercanvi de metodologies i experiències d'educació en ciència, tecnologia, enginyeria, arts i matemàtiques.",
            ),
            "en": (
                "STEAM education",
                "Exchange of methods and experience in science, technology, engineering, arts and mathematics education.",
            ),
        },
    ),
    (
        "INCLUSIVE_EDUCATION",
        {
            "es": (
                "Educación inclusiva para estudiantes con discapacidad",
                "Intercambio de metodologías y experiencias de educación inclusiva para estudiantes con discapacidad.",
            ),
            "ca": (
                "Educació inclusiva per a estudiants amb discapacitat",
                "Intercanvi de metodologies i experiències d'educació inclusiva per a estudiants amb discapacitat.",
            ),
            "en": (
                "Inclusive education for students with disabilities",
                "Exchange of methods and experience in inclusive education for students with disabilities.",
            ),
        },
    ),
    (
        "RESEARCHER_STAYS",
        {
            "es": (
                "Estancias de investigación y capital humano",
                "Estancias internacionales de personal investigador en incubadoras, centros de desarrollo tecnológico y universidades, sujetas a la aceptación del centro receptor y con prioridad al impacto social y urbano.",
            ),
            "ca": (
                "Estades de recerca i capital humà",
                "Estades internacionals de personal investigador en incubadores, centres de desenvolupament tecnològic i universitats, subjectes a l'acceptació del centre receptor i amb prioritat a l'impacte social i urbà.",
            ),
            "en": (
                "Researcher stays and human capital",
                "International stays for researchers in incubators, technology development centres and universities, subject to acceptance by the host centre and prioritising social and urban impact.",
            ),
        },
    ),
    (
        "EVENTS_CULTURE",
        {
            "es": (
                "Eventos internacionales y cultura científica",
                "Organización conjunta de eventos internacionales y acciones de divulgación de la cultura científica.",
            ),
            "ca": (
                "Esdeveniments internacionals i cultura científica",
                "Organització conjunta d'esdeveniments internacionals i accions de divulgació de la cultura científica.",
            ),
            "en": (
                "International events and scientific culture",
                "Joint organisation of international events and outreach for scientific culture.",
            ),
        },
    ),
]

AXES = [
    (
        "ENDOGENOUS_CAPACITIES",
        {
            "es": (
                "Capacidades endógenas: tecnologías apropiadas para el bienestar social",
                "Fortalecer las capacidades endógenas aprovechando la riqueza histórica, universitaria y productiva de la ciudad para generar tecnologías apropiadas que promuevan el bienestar social.",
            ),
            "ca": (
                "Capacitats endògenes: tecnologies apropiades per al benestar social",
                "Enfortir les capacitats endògenes aprofitant la riquesa històrica, universitària i productiva de la ciutat per generar tecnologies apropiades que promoguin el benestar social.",
            ),
            "en": (
                "Endogenous capacities: appropriate technologies for social well-being",
                "Strengthen endogenous capacities, drawing on the city's historical, university and productive wealth, to generate appropriate technologies that promote social well-being.",
            ),
        },
    ),
    (
        "STRATEGIC_SECTORS",
        {
            "es": (
                "Innovación en sectores estratégicos",
                "Un modelo de innovación basado en sectores estratégicos (economía circular, biotecnología, robótica, tecnologías digitales e industrias avanzadas) que articula saberes tradicionales y contemporáneos.",
            ),
            "ca": (
                "Innovació en sectors estratègics",
                "Un model d'innovació basat en sectors estratègics (economia circular, biotecnologia, robòtica, tecnologies digitals i indústries avançades) que articula sabers tradicionals i contemporanis.",
            ),
            "en": (
                "Innovation in strategic sectors",
                "An innovation model based on strategic sectors (circular economy, biotechnology, robotics, digital technologies and advanced industries) that joins traditional and contemporary knowledge.",
            ),
        },
    ),
    (
        "GENDER_TRAINING",
        {
            "es": (
                "Formación de alto nivel con perspectiva de género",
                "Formación de alto nivel con perspectiva de género para aumentar la participación de las mujeres en ciencia, tecnología, ingeniería, artes y matemáticas (STEAM).",
            ),
            "ca": (
                "Formació d'alt nivell amb perspectiva de gènere",
                "Formació d'alt nivell amb perspectiva de gènere per augmentar la participació de les dones en ciència, tecnologia, enginyeria, arts i matemàtiques (STEAM).",
            ),
            "en": (
                "High-level training with a gender perspective",
                "High-level training with a gender perspective to increase the participation of women in science, technology, engineering, arts and mathematics (STEAM).",
            ),
        },
    ),
    (
        "INCLUSIVE_ECOSYSTEMS",
        {
            "es": (
                "Ecosistemas de conocimiento incluyentes",
                "Consolidar ecosistemas de conocimiento incluyentes que articulen a la sociedad civil, las empresas y los gobiernos para la innovación colaborativa.",
            ),
            "ca": (
                "Ecosistemes de coneixement inclusius",
                "Consolidar ecosistemes de coneixement inclusius que articulin la societat civil, les empreses i els governs per a la innovació col·laborativa.",
            ),
            "en": (
                "Inclusive knowledge ecosystems",
                "Consolidate inclusive knowledge ecosystems that bring civil society, companies and governments together for collaborative innovation.",
            ),
        },
    ),
]

LANGS = ("es", "ca", "en")


def _translated(field, values):
    data = {f"{field}_{lang}": values[lang] for lang in LANGS}
    data[field] = values["es"]
    return data


def _numbered(model, items):
    for number, (code, texts) in enumerate(items, start=1):
        defaults = {"number": number, "active": True}
        for lang in LANGS:
            name, description = texts[lang]
            defaults[f"name_{lang}"] = name
            defaults[f"description_{lang}"] = description
        defaults["name"] = defaults["name_es"]
        defaults["description"] = defaults["description_es"]
        model.objects.update_or_create(code=code, defaults=defaults)


def seed(apps, schema_editor):
    Party = apps.get_model("cooperation", "Party")
    Agreement = apps.get_model("cooperation", "Agreement")
    parties = []
    for party in PARTIES:
        defaults = {"currency": party["currency"], "time_zone": party["time_zone"]}
        defaults |= _translated("name", party["name"])
        defaults |= _translated("government", party["government"])
        obj, _ = Party.objects.update_or_create(code=party["code"], defaults=defaults)
        parties.append(obj)
    defaults = {
        "signed_on": AGREEMENT["signed_on"],
        "valid_from": AGREEMENT["valid_from"],
        "signatories": AGREEMENT["signatories"],
    }
    defaults |= _translated("title", AGREEMENT["title"])
    defaults |= _translated("summary", AGREEMENT["summary"])
    agreement, _ = Agreement.objects.update_or_create(code=AGREEMENT["code"], defaults=defaults)
    agreement.parties.set(parties)
    _numbered(apps.get_model("cooperation", "StrategicArea"), AREAS)
    _numbered(apps.get_model("cooperation", "Axis"), AXES)


def unseed(apps, schema_editor):
    apps.get_model("cooperation", "Agreement").objects.filter(code=AGREEMENT["code"]).delete()
    apps.get_model("cooperation", "Axis").objects.filter(code__in=[c for c, _ in AXES]).delete()
    apps.get_model("cooperation", "StrategicArea").objects.filter(
        code__in=[c for c, _ in AREAS]
    ).delete()
    apps.get_model("cooperation", "Party").objects.filter(
        code__in=[p["code"] for p in PARTIES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("cooperation", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
