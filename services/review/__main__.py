from plumbing.logging import configure
from plumbing.runtime import serve
from services.review.bootstrap import create_app
from services.review.settings import ReviewSettings

settings = ReviewSettings()
configure("review", json=settings.log_json)
serve(create_app(settings), settings)
