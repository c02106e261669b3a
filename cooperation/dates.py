"""Long dates in each language's own form.

Django's Catalan ``DATE_FORMAT`` (``j E \\d\\e Y``) writes the month by its alternative name,
the one that carries its preposition: "1 de març de 2027", "1 d'abril de 2027". Its catalogue
leaves those names untranslated, which gave "1 març de 2027"; the portal's catalogue gives them
(``locale/ca``), and these entries make ``makemessages`` keep them. Spanish and English long
dates do not use them.
"""

from django.utils.translation import pgettext_lazy

ALT_MONTHS = (
    pgettext_lazy("alt. month", "January"),
    pgettext_lazy("alt. month", "February"),
    pgettext_lazy("alt. month", "March"),
    pgettext_lazy("alt. month", "April"),
    pgettext_lazy("alt. month", "May"),
    pgettext_lazy("alt. month", "June"),
    pgettext_lazy("alt. month", "July"),
    pgettext_lazy("alt. month", "August"),
    pgettext_lazy("alt. month", "September"),
    pgettext_lazy("alt. month", "October"),
    pgettext_lazy("alt. month", "November"),
    pgettext_lazy("alt. month", "December"),
)
