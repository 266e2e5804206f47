"""/api/v1/photos/: a visit's photo evidence. The phone uploads each photo once its visit is
stored (PUT with the photo's own id, so a retry stores nothing twice); supervisors and head office
list and view them; everyone else gets 404."""

from __future__ import annotations

from django.http import FileResponse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import get_object_or_404
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from observations.selectors import visits_visible_to
from photos.selectors import photos_visible_to
from photos.services import PhotoConflict, PhotoInvalid, PhotoTooLarge, photo_attach

from .errors import ERRORS, Conflict, PayloadTooLarge
from .throttling import WriteThrottle


class PhotoUploadSerializer(serializers.Serializer):
    visit = serializers.UUIDField(help_text="id of the visit (already stored) the photo belongs to")
    image = serializers.FileField(help_text="JPEG, PNG or WebP, at most 1600 px on its longest side")


class PhotoSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    visit = serializers.UUIDField(source="visit_id", read_only=True)
    width = serializers.IntegerField(read_only=True)
    height = serializers.IntegerField(read_only=True)
    size_bytes = serializers.IntegerField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class PhotoTooLargeError(PayloadTooLarge):
    default_detail = "The photo is too large."


class PhotoConflictError(Conflict):
    default_detail = "A photo with this id already exists with other content."


class PhotoListView(APIView):
    """Photos of one visit (supervisors of its region and head office)."""

    @extend_schema(
        parameters=[OpenApiParameter("visit", str, required=True, description="visit id")],
        responses={200: PhotoSerializer(many=True), 400: ERRORS[400], 401: ERRORS[401]},
    )
    def get(self, request: Request) -> Response:
        visit = serializers.UUIDField().run_validation(request.query_params.get("visit") or serializers.empty)
        photos = photos_visible_to(request.user).filter(visit_id=visit)
        return Response(PhotoSerializer(photos, many=True).data)


class PhotoView(APIView):
    throttle_classes = [WriteThrottle]
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": PhotoUploadSerializer},
        responses={
            201: OpenApiResponse(PhotoSerializer, description="Stored"),
            200: OpenApiResponse(PhotoSerializer, description="Already stored (a retry)"),
            400: ERRORS[400],
            401: ERRORS[401],
            404: ERRORS[404],
            409: OpenApiResponse(description="This photo id is taken by other content"),
            413: OpenApiResponse(description="The photo is too large"),
        },
    )
    def put(self, request: Request, pk: str) -> Response:
        """Attach a photo to one of your stored visits. The phone has already downscaled and
        re-encoded it; the server checks it with Pillow and re-encodes it again without metadata."""
        serializer = PhotoUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        visit = get_object_or_404(
            visits_visible_to(request.user).filter(observer=request.user), pk=serializer.validated_data["visit"]
        )
        upload = serializer.validated_data["image"]
        try:
            result = photo_attach(uploader=request.user, visit=visit, photo_id=pk, data=upload.read())
        except PhotoTooLarge:
            raise PhotoTooLargeError() from None
        except PhotoInvalid as error:
            raise serializers.ValidationError(error.errors) from None
        except PhotoConflict:
            raise PhotoConflictError() from None
        code = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        return Response(PhotoSerializer(result.photo).data, status=code)

    @extend_schema(responses={200: PhotoSerializer, 401: ERRORS[401], 404: ERRORS[404]})
    def get(self, request: Request, pk: str) -> Response:
        return Response(PhotoSerializer(get_object_or_404(photos_visible_to(request.user), pk=pk)).data)


class PhotoImageView(APIView):
    @extend_schema(responses={(200, "image/jpeg"): OpenApiResponse(description="the photo"), 404: ERRORS[404]})
    def get(self, request: Request, pk: str) -> FileResponse:
        """The photo itself, streamed from the photo storage; never cached by shared caches."""
        photo = get_object_or_404(photos_visible_to(request.user), pk=pk)
        response = FileResponse(photo.image.open("rb"), content_type="image/jpeg")
        response["Cache-Control"] = "private, no-store"
        return response
