"""Starting points for a new procedure: the PCRA outline, the CERT-FR reflex sheet outline, and the
first-hours ransomware reflex sheet (ANSSI / CERT-FR guidance, see the domain reference).

Markdown in French: what a service writes and prints.
"""

from django.utils.translation import gettext_lazy as _

PROCEDURE_OUTLINE = """## Déclenchement
Quelle panne déclenche cette procédure (applications concernées), qui la déclenche.

## Rôles
- Responsable :
- Suppléant :

## Étapes
1. …
2. …

## Formulaires papier utilisés
- …

## Retour à la normale
Qui décide du retour, comment vérifier que l'application est de nouveau fiable.

## Ressaisie après la crise
Ce qui doit être ressaisi depuis le papier, par qui, dans quel délai.

## Contacts
- …
"""

REFLEX_OUTLINE = """## Qui
Qui exécute cette fiche.

## Quand
Quel événement la déclenche.

## Pour quoi faire
L'objectif de la fiche.

## Prérequis
- …

## Étapes
1. …

## Conclusions attendues
- …

## Fiche suivante
…

## Contacts
- …

## Durée
…
"""

TEMPLATES = {
    "procedure": (_("Procédure dégradée (plan type)"), "procedure", PROCEDURE_OUTLINE),
    "fiche_reflexe": (_("Fiche réflexe (structure CERT-FR)"), "fiche_reflexe", REFLEX_OUTLINE),
}

RANSOMWARE_TITLE = "Fiche réflexe — rançongiciel : les premières heures"

RANSOMWARE_SHEET = """## Qui
L'informaticien d'astreinte, puis l'administrateur de garde ; le RSSI dès qu'il est joint.

## Quand
Dès qu'un rançongiciel est suspecté : fichiers chiffrés, note de rançon, alerte de l'EDR, applications
qui cessent de répondre les unes après les autres.

## Pour quoi faire
Contenir l'attaque, préserver les preuves et les sauvegardes, alerter, et lancer les obligations
(signalement, CNIL, plainte) dans leurs délais.

## Prérequis
- L'annuaire de crise et cette fiche sont imprimés et accessibles sans le système d'information.
- Les accès physiques aux salles serveurs et au cœur de réseau sont connus de l'astreinte.

## Étapes
1. **Ne pas payer** la rançon ; ne pas contacter l'attaquant.
2. **Déconnecter, ne pas éteindre** : débrancher du réseau les postes et serveurs touchés, les laisser
   allumés (la mémoire garde des traces utiles à l'enquête).
3. **Couper l'accès à internet** et **isoler le cœur de réseau**.
4. **Déconnecter les sauvegardes** (les mettre hors ligne avant qu'elles ne soient chiffrées).
5. **Couper les liens avec les partenaires et les hébergeurs** (GHT, hébergeur externe, télémaintenance).
6. **Alerter** l'astreinte informatique, le RSSI et l'administrateur de garde, qui décide du mode dégradé.
7. **Ouvrir la main courante** : heure de chaque constat, décision et action.
8. **Signaler** sur le portail de signalement des incidents ou **appeler le CERT Santé** ; prévenir l'ARS.
9. **Démarrer les délais** : notification CNIL (72 h), plainte (72 h, pour la couverture d'assurance).

## Conclusions attendues
- Propagation stoppée, sauvegardes préservées hors ligne.
- Cellule de crise alertée, main courante ouverte, incident signalé.

## Fiche suivante
Activation de la cellule de crise ; procédures dégradées des services.

## Contacts
- Astreinte informatique : standard, poste d'astreinte
- CERT Santé : via le portail de signalement ou par téléphone
- ARS : point focal régional

## Durée
Les deux premières heures.
"""
