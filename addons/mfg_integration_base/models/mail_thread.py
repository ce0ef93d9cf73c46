# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def _mfg_note(self, body, author=None):
        """Log an internal note on each record of ``self``: the one way the engine,
        its handlers and the domain addons write about their own work.

        Bookkeeping never fails a business event: the note is a log (no sender
        e-mail address needed, nobody notified) written as sudo, because the
        technical user may change a record without being allowed to post on it,
        by ``author`` (a partner; people's own actions such as Retry) or else by
        the system partner (OdooBot). ``body``: text (escaped) or Markup.
        """
        if not self:
            return self.env["mail.message"]
        author = author or self.env.ref("base.partner_root")
        return self.sudo()._message_log_batch(
            {record.id: body for record in self}, author_id=author.id
        )
