"""Entry point of the dashboard. The frame (viewer, view state, filter bar, navigation, page context)
lives in fabrique.frame so that it is written once and tested like the rest of the package."""
from fabrique import frame

frame.run()
