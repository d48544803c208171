"""Forms of the monitoring pages."""

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import InputRequired, Length

from peerchallenge.forms import button


class SendRemindersForm(FlaskForm):
    """Send the reminders previewed: the page carries the plan it showed, so a changed plan is not sent."""

    previewed = HiddenField(validators=[InputRequired(), Length(max=64)])
    submit = button("Send reminders")
