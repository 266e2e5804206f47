from django import template

from planning import wording

register = template.Library()

register.filter("need_why", wording.need_why)
register.filter("spread_source", wording.spread_source)
register.filter("chosen_why", wording.chosen_why)
register.filter("risk_label", wording.risk_label)
