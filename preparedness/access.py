"""Who may do what in preparedness, in the core's capabilities (crisis.permissions).

The player shows the chronogramme ahead of the players: only the animation team sees it
(those who keep the RIDA observe; directeur and coordinateur animate). Campaigns and readiness
are read by every member; campaigns are recorded by those who administer the establishment.
"""

from crisis.permissions import Cap

READ = Cap.READ  # readiness, campaigns
OBSERVE = Cap.MANAGE_RIDA  # see the player, mark expected reactions
ANIMATE = Cap.ADMINISTER  # import injects, move the clock, deliver
WRITE_CAMPAIGNS = Cap.ADMINISTER
