from django.conf import settings
from django.utils import translation


class ChosenLanguageMiddleware:
    """French unless the user picked another language (cookie set by Django's set_language view).

    Django's LocaleMiddleware would follow the browser's Accept-Language: a crisis
    laptop with an English browser would then show a half-English console.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        available = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in available else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        # override(), not activate(): the thread goes back to its language after the request.
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
