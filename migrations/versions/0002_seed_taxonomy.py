"""seed taxonomy: DO IT's four action fields and the topic tree

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Lightweight table definitions: a data migration never imports the app's models.
action_field_table = sa.table(
    "action_field",
    sa.column("slug", sa.String),
    sa.column("label_de", sa.String),
    sa.column("label_en", sa.String),
    sa.column("description_de", sa.Text),
)
topic_table = sa.table(
    "topic",
    sa.column("slug", sa.String),
    sa.column("label_de", sa.String),
    sa.column("label_en", sa.String),
    sa.column("synonyms", sa.JSON),
    sa.column("parent_slug", sa.String),
)
topic_action_field_table = sa.table(
    "topic_action_field",
    sa.column("topic_slug", sa.String),
    sa.column("action_field_slug", sa.String),
)

# The four Handlungsfelder of the transformation strategy of DO IT Südwestfalen (Oct. 2025).
PROD = "industrielle-produktion"
GM = "geschaeftsmodelle"
CE = "circular-economy"
AW = "arbeitswelt"

# fmt: off
ACTION_FIELDS: list[tuple[str, str, str, str]] = [
    # slug, label_de, label_en, description_de
    (PROD, "Industrielle Produktion der Zukunft", "Industrial production of the future", "Wie Südwestfalens Fabriken mit Automatisierung, Daten und Künstlicher Intelligenz produktiver, flexibler und resilienter werden."),
    (GM, "Zukunftsfähige Geschäftsmodelle in der Industrie", "Future-proof business models in industry", "Wie Industrieunternehmen mit Daten, Services und Plattformen neue, tragfähige Wertschöpfung jenseits des physischen Produkts erschließen."),
    (CE, "Circular Economy und nachhaltige Transformation", "Circular economy and sustainable transformation", "Wie Material- und Energiekreisläufe geschlossen, Emissionen gesenkt und Produkte kreislaufgerecht gestaltet werden."),
    (AW, "Arbeitswelt der Zukunft in der Industrie", "The future of work in industry", "Wie die Industrie Fachkräfte gewinnt, Kompetenzen aufbaut und Arbeit im Wandel menschengerecht gestaltet."),
]

# Parents come before their children (the parent is a foreign key).
TOPICS: list[tuple[str, str, str, str | None, list[str], list[str]]] = [
    # slug, label_de, label_en, parent_slug, synonyms, action fields
    # --- Branchen und Technologien der Produktion ---
    ("maschinenbau", "Maschinen- und Anlagenbau", "Mechanical and plant engineering", None, ["Anlagenbau", "Sondermaschinenbau", "Maschinenfabrik", "Verpackungsmaschinen", "machinery"], [PROD]),
    ("antriebstechnik", "Antriebstechnik", "Drive technology", "maschinenbau", ["Antriebe", "Elektromotoren", "Getriebe", "drives", "motion control"], [PROD]),
    ("fluidtechnik", "Fluidtechnik und Armaturen", "Fluid power and valves", "maschinenbau", ["Hydraulik", "Pneumatik", "Armaturen", "Ventile", "fluid power"], [PROD]),
    ("metallverarbeitung", "Metallverarbeitung", "Metalworking", None, ["Metallbearbeitung", "Metallindustrie", "Stahlverarbeitung", "Aluminiumverarbeitung", "metal processing"], [PROD, CE]),
    ("umformtechnik", "Umformtechnik", "Metal forming", "metallverarbeitung", ["Umformen", "Stanztechnik", "Stanzbiegeteile", "Kaltfließpressen", "Tiefziehen", "Walzen"], [PROD]),
    ("schmiedetechnik", "Schmiedetechnik", "Forging", "umformtechnik", ["Schmieden", "Gesenkschmiede", "Freiformschmieden", "Schmiedeteile", "forging technology"], [PROD]),
    ("zerspanung", "Zerspanungstechnik", "Machining", "metallverarbeitung", ["CNC-Bearbeitung", "Drehen", "Fräsen", "Drehteile", "CNC machining"], [PROD]),
    ("giesserei", "Gießereitechnik", "Foundry technology", "metallverarbeitung", ["Druckguss", "Gussteile", "Aluminiumguss", "casting", "foundry"], [PROD, CE]),
    ("oberflaechentechnik", "Oberflächentechnik", "Surface technology", "metallverarbeitung", ["Galvanik", "Beschichtung", "Korrosionsschutz", "Pulverbeschichtung", "coating", "surface treatment"], [PROD, CE]),
    ("schweisstechnik", "Schweiß- und Fügetechnik", "Welding and joining", "metallverarbeitung", ["Schweißen", "Fügetechnik", "Löten", "welding", "joining"], [PROD]),
    ("drahtverarbeitung", "Drahtverarbeitung", "Wire processing", "metallverarbeitung", ["Drahtindustrie", "Drahtziehen", "Drahtbiegeteile", "Federn", "Federntechnik", "wire drawing"], [PROD]),
    ("kunststofftechnik", "Kunststofftechnik", "Plastics technology", None, ["Kunststoffverarbeitung", "Kunststoffe", "Polymere", "plastics", "polymer processing"], [PROD, CE]),
    ("spritzguss", "Spritzgießtechnik", "Injection moulding", "kunststofftechnik", ["Spritzgießen", "Spritzgussteile", "Mehrkomponenten-Spritzguss", "injection molding"], [PROD]),
    ("extrusion", "Extrusion", "Extrusion", "kunststofftechnik", ["Extrudieren", "Profilextrusion", "Rohrextrusion", "Folienextrusion"], [PROD]),
    ("automotive", "Automobilzulieferindustrie", "Automotive supply industry", None, ["Automobilzulieferer", "Fahrzeugbau", "Fahrzeugindustrie", "Fahrzeugelektronik", "automotive supplier", "Tier 1"], [PROD, GM]),
    ("elektromobilitaet", "Elektromobilität", "Electric mobility", "automotive", ["E-Mobilität", "E-Mobility", "Ladeinfrastruktur", "Elektrofahrzeuge", "E-Antrieb"], [PROD, CE]),
    ("elektrotechnik", "Elektrotechnik und Elektronik", "Electrical engineering and electronics", None, ["Elektroindustrie", "Elektronik", "E-Technik", "Elektroinstallation", "Steckverbinder", "electronics"], [PROD]),
    ("mikroelektronik", "Mikroelektronik", "Microelectronics", "elektrotechnik", ["Halbleiter", "Chips", "Leiterplatten", "semiconductors", "PCB"], [PROD]),
    ("leistungselektronik", "Leistungselektronik", "Power electronics", "elektrotechnik", ["Umrichter", "Wechselrichter", "Frequenzumrichter", "inverter"], [PROD, CE]),
    ("sensorik", "Sensorik", "Sensor technology", "elektrotechnik", ["Sensoren", "Sensortechnik", "sensors", "Sensorsysteme"], [PROD]),
    ("licht-und-beleuchtungstechnik", "Licht- und Beleuchtungstechnik", "Lighting technology", "elektrotechnik", ["Beleuchtung", "Lichttechnik", "Lichtsteuerung", "LED", "Leuchten", "lighting"], [PROD, CE]),
    ("gebaeude-und-energietechnik", "Gebäude- und Energietechnik", "Building and energy technology", None, ["Gebäudetechnik", "TGA", "Haustechnik", "HLK", "HVAC", "building services"], [PROD, CE]),
    ("waermepumpen", "Wärmepumpen und Heiztechnik", "Heat pumps and heating technology", "gebaeude-und-energietechnik", ["Wärmepumpe", "Heiztechnik", "Heizungstechnik", "Hybridheizung", "Wärmeerzeuger", "heat pump"], [PROD, CE]),
    ("smart-building", "Smart Building", "Smart building", "gebaeude-und-energietechnik", ["Gebäudeautomation", "Gebäudezwilling", "KNX", "building automation", "Cyber Sustainable Building"], [PROD, CE]),
    ("rohrleitungssysteme", "Rohrleitungssysteme", "Piping systems", "gebaeude-und-energietechnik", ["Rohrsysteme", "Sanitärtechnik", "Installationstechnik", "piping"], [PROD]),
    ("medizintechnik", "Medizintechnik", "Medical technology", None, ["MedTech", "Medizinprodukte", "medical devices", "MDR"], [PROD, GM]),
    ("lebensmitteltechnik", "Lebensmittel- und Getränketechnik", "Food and beverage technology", None, ["Lebensmittelindustrie", "Getränkeindustrie", "Brauerei", "Abfülltechnik", "food processing"], [PROD, CE]),
    ("werkstofftechnik", "Werkstofftechnik", "Materials engineering", None, ["Werkstoffe", "Materialwissenschaft", "Werkstoffprüfung", "Wärmebehandlung", "materials science"], [PROD, CE]),
    ("leichtbau", "Leichtbau", "Lightweight engineering", "werkstofftechnik", ["Faserverbund", "Faserverbundwerkstoffe", "CFK", "composites", "lightweight design"], [PROD, CE]),
    ("textiltechnik", "Technische Textilien", "Technical textiles", "werkstofftechnik", ["Textilindustrie", "Textilien", "Strickerei", "Vliesstoffe"], [PROD]),
    ("nachwachsende-rohstoffe", "Holz und nachwachsende Rohstoffe", "Wood and renewable raw materials", None, ["Holz", "Holzwirtschaft", "Holzwerkstoffe", "biobasierte Werkstoffe", "bio-based materials", "timber"], [CE, PROD]),
    ("photonik", "Photonik", "Photonics", None, ["Optik", "optische Technologien", "Optoelektronik", "optics"], [PROD]),
    ("lasertechnik", "Lasertechnik", "Laser technology", "photonik", ["Laser", "Laserschneiden", "Laserschweißen", "laser processing"], [PROD]),
    ("quantencomputing", "Quantencomputing", "Quantum computing", None, ["Quantencomputer", "Quantentechnologie", "quantum technology", "Ionenfallen"], [PROD, GM]),
    # --- Produktionstechnik, Automatisierung, Industrie 4.0 ---
    ("produktionstechnik", "Produktionstechnik", "Production engineering", None, ["Fertigungstechnik", "Fertigung", "manufacturing", "Produktionsprozesse"], [PROD]),
    ("additive-fertigung", "Additive Fertigung", "Additive manufacturing", "produktionstechnik", ["3D-Druck", "3D printing", "Rapid Prototyping", "selektives Laserschmelzen", "Metall-3D-Druck"], [PROD, CE]),
    ("lean-management", "Lean Management", "Lean management", "produktionstechnik", ["Lean Production", "Kaizen", "KVP", "Six Sigma", "Wertstromanalyse"], [PROD, AW]),
    ("produktionsplanung", "Produktionsplanung und -steuerung", "Production planning and control", "produktionstechnik", ["PPS", "MES", "Manufacturing Execution System", "Fertigungssteuerung", "Feinplanung"], [PROD]),
    ("werkzeug-und-formenbau", "Werkzeug- und Formenbau", "Tool and mould making", "produktionstechnik", ["Werkzeugbau", "Formenbau", "Spritzgießwerkzeuge", "Stanzwerkzeuge", "tool making"], [PROD]),
    ("qualitaetsmanagement", "Qualitätsmanagement", "Quality management", None, ["QM", "Qualitätssicherung", "quality assurance", "ISO 9001"], [PROD]),
    ("mess-und-prueftechnik", "Mess- und Prüftechnik", "Measurement and testing", "qualitaetsmanagement", ["Messtechnik", "Prüftechnik", "Qualitätsprüfung", "metrology", "zerstörungsfreie Prüfung"], [PROD]),
    ("automatisierung", "Automatisierungstechnik", "Automation technology", None, ["Steuerungstechnik", "SPS", "PLC", "Montageanlagen", "industrial automation"], [PROD]),
    ("robotik", "Robotik", "Robotics", "automatisierung", ["Roboter", "Industrieroboter", "Cobots", "kollaborative Robotik", "Bin Picking", "robots"], [PROD, AW]),
    ("industrie-4-0", "Industrie 4.0", "Industry 4.0", None, ["I4.0", "Smart Factory", "vernetzte Produktion", "smart manufacturing"], [PROD, GM]),
    ("industrial-iot", "Industrielles Internet der Dinge", "Industrial Internet of Things", "industrie-4-0", ["IoT", "IIoT", "Internet of Things", "Maschinenvernetzung", "Retrofit"], [PROD, GM]),
    ("digitaler-zwilling", "Digitaler Zwilling", "Digital twin", "industrie-4-0", ["virtuelles Abbild", "Verwaltungsschale", "Asset Administration Shell"], [PROD, GM, CE]),
    ("predictive-maintenance", "Vorausschauende Instandhaltung", "Predictive maintenance", "industrie-4-0", ["Zustandsüberwachung", "Condition Monitoring", "vorausschauende Wartung"], [PROD, GM]),
    ("edge-computing", "Edge Computing", "Edge computing", "industrie-4-0", ["Edge", "Edge-KI", "Edge AI", "Fog Computing"], [PROD]),
    ("mensch-maschine-interaktion", "Mensch-Maschine-Interaktion", "Human-machine interaction", None, ["HMI", "Mensch-Technik-Interaktion", "Bedienkonzepte", "human-robot collaboration", "Usability"], [AW, PROD]),
    ("augmented-reality", "Augmented und Virtual Reality", "Augmented and virtual reality", "mensch-maschine-interaktion", ["AR", "VR", "Mixed Reality", "XR", "Datenbrille", "virtual reality"], [AW, PROD]),
    # --- Künstliche Intelligenz, Daten und IT ---
    ("kuenstliche-intelligenz", "Künstliche Intelligenz", "Artificial intelligence", None, ["KI", "AI", "Industrial AI", "KI-Anwendungen", "KI-Beratung"], [PROD, GM, AW]),
    ("maschinelles-lernen", "Maschinelles Lernen", "Machine learning", "kuenstliche-intelligenz", ["ML", "Deep Learning", "neuronale Netze", "neural networks", "KI-Modelle"], [PROD, GM]),
    ("generative-ki", "Generative KI", "Generative AI", "kuenstliche-intelligenz", ["GenAI", "LLM", "Large Language Models", "Sprachmodelle", "ChatGPT"], [GM, AW]),
    ("computer-vision", "Computer Vision", "Computer vision", "kuenstliche-intelligenz", ["Bildverarbeitung", "Bilderkennung", "machine vision", "optische Inspektion", "Kamerasysteme"], [PROD]),
    ("ki-assistenzsysteme", "KI-Assistenzsysteme", "AI assistants", "kuenstliche-intelligenz", ["Copilot", "AI Colleague", "digitale Assistenten", "Chatbots", "KI-Agenten"], [AW, GM]),
    ("digitalisierung", "Digitalisierung", "Digitalisation", None, ["digitale Transformation", "digital transformation", "Digitalization", "Digitization"], [GM, PROD, AW]),
    ("datenanalyse", "Datenanalyse", "Data analytics", "digitalisierung", ["Data Science", "Big Data", "Business Intelligence", "Datenauswertung"], [PROD, GM]),
    ("cloud-computing", "Cloud Computing", "Cloud computing", "digitalisierung", ["Cloud", "SaaS", "Cloud-Dienste", "cloud services", "Hybrid Cloud"], [GM, PROD]),
    ("cybersecurity", "Cybersicherheit", "Cybersecurity", "digitalisierung", ["IT-Sicherheit", "Informationssicherheit", "OT-Security", "NIS2", "ISMS", "Penetrationstests"], [PROD, GM]),
    ("software-entwicklung", "Softwareentwicklung", "Software development", "digitalisierung", ["Software", "App-Entwicklung", "Programmierung", "software engineering", "Low-Code"], [GM, PROD]),
    ("erp-systeme", "ERP- und Unternehmenssoftware", "ERP and enterprise software", "digitalisierung", ["ERP", "CRM", "Warenwirtschaft", "enterprise software", "ERP-Integration"], [GM]),
    ("regulatorik-und-normung", "Regulatorik und Normung", "Regulation and standards", None, ["Compliance", "CE-Kennzeichnung", "Normung", "AI Act", "Maschinenverordnung", "standards"], [PROD, GM]),
    # --- Geschäftsmodelle, Innovation, Gründung ---
    ("geschaeftsmodellinnovation", "Geschäftsmodellinnovation", "Business model innovation", None, ["Geschäftsmodellentwicklung", "Geschäftsmodelle", "Business Model Canvas", "Wertangebot", "value proposition"], [GM]),
    ("digitale-geschaeftsmodelle", "Digitale Geschäftsmodelle", "Digital business models", "geschaeftsmodellinnovation", ["datenbasierte Geschäftsmodelle", "data-driven business models", "digitale Produkte", "digital business"], [GM]),
    ("servitization", "Servitization", "Servitization", "geschaeftsmodellinnovation", ["Product-as-a-Service", "Smart Services", "hybride Leistungsbündel", "Dienstleistungsinnovation", "As-a-Service"], [GM, CE]),
    ("pay-per-use", "Nutzungsbasierte Abrechnung", "Pay-per-use", "servitization", ["Subscription", "Abo-Modelle", "Equipment-as-a-Service", "Betreibermodelle"], [GM]),
    ("plattformoekonomie", "Plattformökonomie", "Platform economy", "geschaeftsmodellinnovation", ["digitale Plattformen", "Plattformen", "B2B-Marktplatz", "platform business", "Ökosysteme"], [GM]),
    ("datenoekonomie", "Datenökonomie", "Data economy", "geschaeftsmodellinnovation", ["Datenräume", "Data Spaces", "Datenmonetarisierung", "Gaia-X", "Catena-X", "data sharing"], [GM]),
    ("e-commerce", "E-Commerce und digitaler Vertrieb", "E-commerce and digital sales", "geschaeftsmodellinnovation", ["Onlineshop", "digitaler Vertrieb", "Online-Vertrieb", "B2B-E-Commerce", "digital sales"], [GM]),
    ("produktentwicklung", "Produktentwicklung", "Product development", None, ["Konstruktion", "CAD", "Produktdesign", "product design", "Entwicklungsdienstleistung"], [PROD, GM]),
    ("simulation", "Simulation", "Simulation", "produktentwicklung", ["FEM", "CAE", "Finite-Elemente-Methode", "Strömungssimulation", "CFD", "Prozesssimulation"], [PROD]),
    ("innovationsmanagement", "Innovationsmanagement", "Innovation management", None, ["Innovationsprozess", "Open Innovation", "Ideenmanagement", "Design Thinking", "innovation process"], [GM, AW]),
    ("technologietransfer", "Technologietransfer", "Technology transfer", "innovationsmanagement", ["Wissenstransfer", "Hochschulkooperation", "knowledge transfer", "angewandte Forschung", "Transferformate"], [GM, AW]),
    ("reallabore", "Reallabore und Testfelder", "Living labs and test beds", "innovationsmanagement", ["Reallabor", "Living Lab", "Testfeld", "Experimentierraum", "Sandbox"], [GM, PROD]),
    ("foerdermittel", "Fördermittel und Förderprojekte", "Public funding", "innovationsmanagement", ["Förderung", "Fördermittelberatung", "Förderprogramme", "funding", "grants", "EFRE"], [GM]),
    ("schutzrechte", "Schutzrechte und Patente", "IP and patents", "innovationsmanagement", ["Patente", "geistiges Eigentum", "intellectual property", "Patentrecherche", "Markenschutz"], [GM]),
    ("gruendung", "Gründung und Start-ups", "Start-ups and entrepreneurship", None, ["Start-up", "Startups", "Existenzgründung", "Entrepreneurship", "Gründergeist", "Gründungsberatung"], [GM, AW]),
    ("startup-kooperation", "Kooperation mit Start-ups", "Corporate-start-up collaboration", "gruendung", ["Venture Clienting", "Corporate Venturing", "Inkubator", "Accelerator", "Start-up-Kooperation"], [GM]),
    ("internationalisierung", "Internationalisierung", "Internationalisation", None, ["Export", "Auslandsmärkte", "Außenwirtschaft", "internationalization"], [GM]),
    ("unternehmensnachfolge", "Unternehmensnachfolge", "Business succession", None, ["Nachfolge", "Nachfolgeplanung", "Betriebsübergabe", "succession planning"], [GM, AW]),
    ("resilienz", "Resilienz und Risikomanagement", "Resilience and risk management", None, ["Risikomanagement", "Krisenmanagement", "business continuity", "Versorgungssicherheit"], [GM, PROD]),
    ("logistik", "Logistik", "Logistics", None, ["Transportlogistik", "Kontraktlogistik", "Spedition", "Distribution", "logistics services"], [PROD, GM]),
    ("intralogistik", "Intralogistik", "Intralogistics", "logistik", ["Lagertechnik", "Fördertechnik", "fahrerlose Transportsysteme", "FTS", "AGV", "Lagerlogistik"], [PROD]),
    ("supply-chain-management", "Supply-Chain-Management", "Supply chain management", "logistik", ["SCM", "Lieferkette", "Lieferketten", "Beschaffung", "supply chain", "procurement"], [GM, PROD]),
    # --- Circular Economy, Nachhaltigkeit, Energie ---
    ("kreislaufwirtschaft", "Kreislaufwirtschaft", "Circular economy", None, ["zirkuläre Wirtschaft", "Cradle to Cradle", "closed loop", "Kreislaufführung"], [CE]),
    ("recycling", "Recycling", "Recycling", "kreislaufwirtschaft", ["Wertstoffrückgewinnung", "Sekundärrohstoffe", "Rezyklierung", "material recovery", "Sortiertechnik"], [CE, PROD]),
    ("kunststoffrecycling", "Kunststoffrecycling", "Plastics recycling", "recycling", ["Rezyklat", "Rezyklate", "Kunststoffrezyklat", "recycled plastics", "Mahlgut"], [CE, PROD]),
    ("metallrecycling", "Metallrecycling", "Metal recycling", "recycling", ["Schrott", "Metallschrott", "Sekundäraluminium", "scrap metal", "Stahlschrott"], [CE, PROD]),
    ("reparatur-und-remanufacturing", "Reparatur und Remanufacturing", "Repair and remanufacturing", "kreislaufwirtschaft", ["Remanufacturing", "Reparatur", "Wiederaufbereitung", "Refurbishment", "Instandsetzung"], [CE, PROD, GM]),
    ("kreislaufgerechte-produktgestaltung", "Kreislaufgerechte Produktgestaltung", "Design for circularity", "kreislaufwirtschaft", ["Ecodesign", "Ökodesign", "Design for Recycling", "Design for Disassembly", "recyclinggerechte Konstruktion"], [CE, PROD]),
    ("abfallvermeidung", "Abfallvermeidung", "Waste prevention", "kreislaufwirtschaft", ["Abfallmanagement", "Zero Waste", "Ausschussreduzierung", "waste reduction"], [CE, PROD]),
    ("ressourceneffizienz", "Ressourceneffizienz", "Resource efficiency", "kreislaufwirtschaft", ["Materialeffizienz", "Rohstoffeffizienz", "Materialeinsparung", "Prozesswasser"], [CE, PROD]),
    ("digitaler-produktpass", "Digitaler Produktpass", "Digital product passport", "kreislaufwirtschaft", ["DPP", "Produktpass", "Batteriepass", "product passport"], [CE, GM]),
    ("nachhaltigkeit", "Nachhaltigkeit", "Sustainability", None, ["Nachhaltigkeitsmanagement", "ESG", "sustainability management", "nachhaltige Transformation", "CSR"], [CE, GM]),
    ("nachhaltigkeitsberichterstattung", "Nachhaltigkeitsberichterstattung", "Sustainability reporting", "nachhaltigkeit", ["CSRD", "CSR-Reporting", "ESRS", "Nachhaltigkeitsbericht", "ESG-Reporting", "VSME"], [CE, GM]),
    ("co2-bilanzierung", "CO2-Bilanzierung", "Carbon accounting", "nachhaltigkeit", ["CO2-Fußabdruck", "Carbon Footprint", "Treibhausgasbilanz", "THG-Bilanz", "Product Carbon Footprint", "Scope 3"], [CE, GM]),
    ("dekarbonisierung", "Dekarbonisierung", "Decarbonisation", "nachhaltigkeit", ["Klimaneutralität", "Net Zero", "CO2-Reduktion", "klimaneutrale Produktion", "decarbonization"], [CE, PROD]),
    ("lebenszyklusanalyse", "Ökobilanzierung", "Life cycle assessment", "nachhaltigkeit", ["LCA", "Ökobilanz", "Umweltproduktdeklaration", "EPD"], [CE, PROD]),
    ("nachhaltige-lieferketten", "Nachhaltige Lieferketten", "Sustainable supply chains", "nachhaltigkeit", ["LkSG", "Lieferkettengesetz", "Sorgfaltspflichten", "CSDDD", "responsible sourcing"], [CE, GM]),
    ("energiesysteme", "Energiesysteme", "Energy systems", None, ["Energieversorgung", "Energiewirtschaft", "energy supply", "Energiewende"], [CE, PROD]),
    ("energieeffizienz", "Energieeffizienz", "Energy efficiency", "energiesysteme", ["Energiemanagement", "ISO 50001", "Energieeinsparung", "Abwärmenutzung", "Energiemonitoring", "energy management"], [CE, PROD]),
    ("erneuerbare-energien", "Erneuerbare Energien", "Renewable energy", "energiesysteme", ["Photovoltaik", "PV", "Windenergie", "Solarenergie", "Grünstrom", "renewables"], [CE]),
    ("wasserstoff", "Wasserstoff", "Hydrogen", "energiesysteme", ["H2", "Wasserstofftechnologie", "Elektrolyse", "Brennstoffzelle", "grüner Wasserstoff", "hydrogen economy"], [CE, PROD]),
    ("batterietechnik", "Batterietechnik und Energiespeicher", "Battery technology and energy storage", "energiesysteme", ["Batterien", "Energiespeicher", "Batteriespeicher", "Batteriemanagement", "Lithium-Ionen", "battery storage"], [CE, PROD]),
    # --- Arbeitswelt ---
    ("fachkraeftesicherung", "Fachkräftesicherung", "Securing skilled labour", None, ["Fachkräftemangel", "Fachkräfte", "Recruiting", "Personalgewinnung", "talent acquisition"], [AW]),
    ("ausbildung", "Berufsausbildung", "Vocational training", "fachkraeftesicherung", ["Azubis", "duale Ausbildung", "Duales Studium", "apprenticeship"], [AW]),
    ("arbeitgeberattraktivitaet", "Arbeitgeberattraktivität", "Employer attractiveness", "fachkraeftesicherung", ["Employer Branding", "Arbeitgebermarke", "Mitarbeiterbindung", "employee retention"], [AW]),
    ("internationale-fachkraefte", "Internationale Fachkräfte", "International talent", "fachkraeftesicherung", ["Fachkräfteeinwanderung", "Zuwanderung", "Anerkennung ausländischer Abschlüsse", "international recruiting"], [AW]),
    ("mint-nachwuchs", "MINT-Nachwuchsförderung", "STEM talent development", "fachkraeftesicherung", ["MINT", "STEM", "Schulkooperation", "Berufsorientierung", "Nachwuchsförderung"], [AW]),
    ("qualifizierung", "Qualifizierung und Weiterbildung", "Training and upskilling", None, ["Weiterbildung", "Schulung", "Upskilling", "Reskilling", "Kompetenzentwicklung", "lebenslanges Lernen"], [AW]),
    ("digitale-kompetenzen", "Digitale Kompetenzen", "Digital skills", "qualifizierung", ["Datenkompetenz", "KI-Kompetenz", "Digital Literacy", "Medienkompetenz", "KI Academy"], [AW, GM]),
    ("e-learning", "E-Learning", "E-learning", "qualifizierung", ["Online-Lernen", "Lernplattform", "Blended Learning", "Microlearning", "LMS"], [AW]),
    ("new-work", "New Work", "New work", None, ["hybrides Arbeiten", "mobiles Arbeiten", "Homeoffice", "flexible Arbeitszeit", "remote work"], [AW]),
    ("agile-methoden", "Agile Methoden", "Agile methods", "new-work", ["Scrum", "Kanban", "agiles Projektmanagement", "OKR", "agility"], [AW, GM]),
    ("change-management", "Change Management", "Change management", None, ["Veränderungsmanagement", "Organisationsentwicklung", "Unternehmenskultur", "organisational development"], [AW, GM]),
    ("fuehrung", "Führung", "Leadership", "change-management", ["Führungskräfteentwicklung", "Führungskultur", "Mitarbeiterführung", "Mentoring", "leadership development"], [AW]),
    ("arbeitsschutz", "Arbeits- und Gesundheitsschutz", "Occupational health and safety", None, ["Arbeitssicherheit", "Gesundheitsmanagement", "BGM", "occupational safety", "HSE"], [AW, PROD]),
    ("ergonomie", "Ergonomie", "Ergonomics", "arbeitsschutz", ["Exoskelett", "Exoskelette", "ergonomische Arbeitsplätze", "human factors"], [AW, PROD]),
    ("diversitaet", "Diversität und Inklusion", "Diversity and inclusion", None, ["Diversity", "Inklusion", "Chancengleichheit", "Frauen in MINT", "DEI"], [AW]),
    ("demografischer-wandel", "Demografischer Wandel", "Demographic change", None, ["alternde Belegschaft", "Generationenmanagement", "ageing workforce", "Renteneintritt"], [AW]),
    ("wissensmanagement", "Wissensmanagement", "Knowledge management", None, ["Wissenssicherung", "Erfahrungswissen", "Wissensdatenbank", "knowledge base"], [AW, GM]),
]
# fmt: on


def _depths() -> dict[str, int]:
    """Each topic's depth in the tree (0 for top-level topics)."""
    parents = {slug: parent for slug, _de, _en, parent, _syn, _af in TOPICS}
    depths: dict[str, int] = {}
    for slug in parents:
        depth, node = 0, parents[slug]
        while node is not None:
            depth, node = depth + 1, parents[node]
        depths[slug] = depth
    return depths


def upgrade() -> None:
    op.bulk_insert(
        action_field_table,
        [
            {"slug": slug, "label_de": de, "label_en": en, "description_de": description}
            for slug, de, en, description in ACTION_FIELDS
        ],
    )
    op.bulk_insert(
        topic_table,
        [
            {
                "slug": slug,
                "label_de": de,
                "label_en": en,
                "synonyms": synonyms,
                "parent_slug": parent,
            }
            for slug, de, en, parent, synonyms, _fields in TOPICS
        ],
    )
    op.bulk_insert(
        topic_action_field_table,
        [
            {"topic_slug": slug, "action_field_slug": field}
            for slug, _de, _en, _parent, _synonyms, fields in TOPICS
            for field in fields
        ],
    )


def downgrade() -> None:
    topic_slugs = [slug for slug, *_rest in TOPICS]
    op.execute(
        topic_action_field_table.delete().where(
            topic_action_field_table.c.topic_slug.in_(topic_slugs)
        )
    )
    # Children before parents: delete the deepest level of the tree first.
    depths = _depths()
    for depth in sorted(set(depths.values()), reverse=True):
        level = [slug for slug in topic_slugs if depths[slug] == depth]
        op.execute(topic_table.delete().where(topic_table.c.slug.in_(level)))
    op.execute(
        action_field_table.delete().where(
            action_field_table.c.slug.in_([slug for slug, *_rest in ACTION_FIELDS])
        )
    )
