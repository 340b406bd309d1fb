from rest_framework import serializers

from fupin.core.forms import ScopedModelForm
from fupin.core.resources import Column, Resource

from .models import Sample, Ticket


class SampleForm(ScopedModelForm):
    class Meta:
        model = Sample
        fields = ["name", "note", "area_code"]


class SampleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sample
        fields = ["id", "name", "note", "area_code", "version"]
        read_only_fields = ["version"]


class SampleResource(Resource):
    model = Sample
    form_class = SampleForm
    serializer_class = SampleSerializer
    columns = [Column("name", link=True), Column("note"), Column("area_code")]


samples = SampleResource()


class TicketForm(ScopedModelForm):
    class Meta:
        model = Ticket
        fields = ["name", "note", "amount", "area_code"]


class TicketSerializer(serializers.ModelSerializer):
    class Meta:
        model = Ticket
        fields = ["id", "name", "note", "amount", "area_code", "status", "version"]
        read_only_fields = ["status", "version"]


class TicketResource(Resource):
    model = Ticket
    form_class = TicketForm
    serializer_class = TicketSerializer
    columns = [Column("name", link=True), Column("status"), Column("area_code")]


tickets = TicketResource()
