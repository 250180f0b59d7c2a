"""Host controls (issue 17): End, Extend and Lobby from the card's overflow menu and App Home,
and the host's "someone is waiting" DM."""
