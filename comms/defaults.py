"""French defaults of the messages prepared ahead, one or more per kind; {placeholders} are filled per message."""

# (kind, title, body)
DEFAULT_TEMPLATES = [
    (
        "note_personnel",
        "Note au personnel — incident informatique en cours",
        "À l'attention de tout le personnel du {etablissement}\n\n"
        "Depuis le {date_debut}, l'établissement subit une attaque informatique. Par précaution, le réseau "
        "et les applications sont coupés. Les soins continuent en mode dégradé, sur papier, selon les "
        "procédures de votre service.\n\n"
        "Ce que nous vous demandons :\n"
        "- ne rallumez pas et ne rebranchez pas les postes éteints ou débranchés ;\n"
        "- ne branchez aucune clé USB ;\n"
        "- signalez tout comportement anormal d'un équipement au {numero_signalement}.\n\n"
        "Les informations sont affichées dans chaque service (Flash info). Prochain point : {prochain_point}.\n\n"
        "La direction de crise",
    ),
    (
        "signaletique",
        "Affiche — entrée des urgences",
        "URGENCES\n\n"
        "Suite à un incident informatique, les délais d'attente sont allongés.\n"
        "Les urgences vitales sont prises en charge sans délai.\n\n"
        "{consigne_accueil}\n\n"
        "Pour les situations non urgentes, contactez votre médecin traitant ou le 116 117.\n"
        "En cas d'urgence vitale, appelez le 15.\n\n"
        "Mise à jour : {date_mise_a_jour}",
    ),
    (
        "conseil_patients",
        "Information aux patients et à leurs proches",
        "Madame, Monsieur,\n\n"
        "Le {etablissement} fait face à un incident informatique. Vos soins sont assurés : les équipes "
        "travaillent sur papier, ce qui peut allonger certains délais.\n\n"
        "Pour vos rendez-vous : {consigne_rendez_vous}\n"
        "Pour les résultats d'examens : {consigne_resultats}\n\n"
        "Merci de votre patience et de votre compréhension.",
    ),
    (
        "communique_presse",
        "Communiqué de presse",
        "{ville}, le {date}\n\n"
        "Le {etablissement} a détecté le {date_debut} une attaque informatique. Dès sa détection, les "
        "mesures de protection ont été prises : isolement du réseau et arrêt des applications. Les "
        "autorités (ARS, CERT Santé, ANSSI) ont été informées et une plainte a été déposée.\n\n"
        "La prise en charge des patients est assurée en mode dégradé. {situation_urgences}\n\n"
        "Contact presse : {contact_presse}",
    ),
    (
        "declaration_attente",
        "Déclaration d'attente (à lire au téléphone)",
        "Le {etablissement} confirme un incident informatique survenu le {date_debut}. La sécurité des "
        "patients est notre priorité : les soins continuent selon nos procédures de fonctionnement dégradé. "
        "Nous ne ferons pas d'autre commentaire à ce stade. Un point sera fait le {prochain_point}. "
        "Contact : {contact_presse}.",
    ),
    (
        "personnes_concernees",
        "Information des personnes dont les données peuvent être concernées",
        "Madame, Monsieur,\n\n"
        "Le {etablissement} a été victime le {date_debut} d'une attaque informatique. Nos investigations "
        "indiquent que des données vous concernant ont pu être consultées : {categories_donnees}.\n\n"
        "Conséquences possibles : {consequences}\n"
        "Mesures prises : {mesures}\n\n"
        "Soyez vigilant face aux messages ou appels inattendus citant l'hôpital (hameçonnage). "
        "Pour toute question, notre délégué à la protection des données : {contact_dpo}. "
        "Vous pouvez aussi saisir la CNIL (www.cnil.fr).",
    ),
    (
        "fournisseurs",
        "Note aux fournisseurs et prestataires",
        "Madame, Monsieur,\n\n"
        "Le {etablissement} subit un incident de cybersécurité depuis le {date_debut}. Jusqu'à nouvel ordre :\n"
        "- les connexions à distance et les liaisons avec nos systèmes sont suspendues ;\n"
        "- les commandes passent par {canal_commandes} ;\n"
        "- toute demande d'accès ou de modification de coordonnées bancaires reçue en notre nom est à "
        "vérifier par téléphone auprès de {contact_achats}.\n\n"
        "Merci de votre vigilance.",
    ),
]
