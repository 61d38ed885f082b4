"""Notification receivers, each in its own task with retries and backoff."""

from services.alerts.receivers.alertmanager import AlertmanagerReceiver
from services.alerts.receivers.base import Receiver, ReceiverWorker
from services.alerts.receivers.telegram import TelegramReceiver
from services.alerts.receivers.webhook import WebhookReceiver

__all__ = ["AlertmanagerReceiver", "Receiver", "ReceiverWorker", "TelegramReceiver",
           "WebhookReceiver"]
