// The kiosk in French, and the core's messages a visitor can meet there.
import type { ErrorKey } from "../bindings/ErrorKey";
import type { Message } from "./catalogue";
import type { KioskKey } from "./kiosk-en";

type VisitorError = Extract<
  ErrorKey,
  | "error.required"
  | "error.too_long"
  | "error.control_characters"
  | "error.invalid_email"
  | "error.invalid_phone"
  | "error.invalid_pin"
  | "error.no_such_employee"
  | "error.employee_left"
  | "error.too_large"
  | "error.agreement_changed"
  | "error.invite_unknown"
  | "error.invite_too_early"
  | "error.invite_expired"
  | "error.invite_cancelled"
  | "error.invite_used"
  | "error.bad_credentials"
  | "error.locked"
  | "error.internal"
>;

export type VisitorCatalogue = Record<KioskKey | VisitorError, Message>;

export const kioskFr: VisitorCatalogue = {
  "error.required": "Merci de remplir ce champ.",
  "error.too_long": "Merci d'utiliser au plus {max} caractères.",
  "error.control_characters": "Merci de retirer les tabulations et les retours à la ligne.",
  "error.invalid_email": "Cette adresse e-mail ne semble pas valide.",
  "error.invalid_phone": "Ce numéro de téléphone ne semble pas valide.",
  "error.invalid_pin": "Un code PIN compte de 4 à 8 chiffres.",
  "error.no_such_employee": "Personne de ce nom ne travaille ici.",
  "error.employee_left": "Cette personne ne travaille plus ici.",
  "error.too_large": "C'est trop volumineux.",
  "error.agreement_changed": "Le règlement vient de changer. Merci de lire la nouvelle version et de signer à nouveau.",
  "error.invite_unknown": "Ce code n'est pas une invitation Frontdesk. Merci de vous enregistrer ci-dessous.",
  "error.invite_too_early": "Votre invitation est pour plus tard. Revenez à l'heure prévue, ou enregistrez-vous ci-dessous.",
  "error.invite_expired": "Cette invitation a expiré. Merci de vous enregistrer ci-dessous.",
  "error.invite_cancelled": "Cette invitation a été annulée. Enregistrez-vous ci-dessous ou adressez-vous à l'accueil.",
  "error.invite_used": "Cette invitation a déjà servi. Merci de vous adresser à l'accueil.",
  "error.bad_credentials": "Identifiant ou code incorrect.",
  "error.locked": "Trop d'essais. Réessayez après {until}.",
  "error.internal": "Un problème est survenu sur ce poste. Merci de vous adresser à l'accueil.",
  "kiosk.welcome.title": "Bienvenue à {site}",
  "kiosk.welcome.subtitle": "Merci de vous enregistrer.",
  "kiosk.welcome.sign_in": "Arrivée",
  "kiosk.welcome.returning": "Je suis déjà venu",
  "kiosk.welcome.sign_out": "Départ",
  "kiosk.welcome.scan_hint": "Vous avez une invitation ou un badge ? Présentez son code QR à la caméra ou au lecteur.",
  "kiosk.welcome.language": "Langue",
  "kiosk.welcome.contrast": "Contraste élevé et grand texte",
  "kiosk.language.en": "English",
  "kiosk.language.fr": "Français",
  "kiosk.language.ar": "العربية",
  "kiosk.back": "Retour",
  "kiosk.next": "Suivant",
  "kiosk.start_again": "Recommencer",
  "kiosk.busy": "Un instant…",
  "kiosk.details.title": "Vos coordonnées",
  "kiosk.field.name": "Nom complet",
  "kiosk.field.company": "Société",
  "kiosk.field.email": "E-mail",
  "kiosk.field.phone": "Téléphone",
  "kiosk.field.optional": "facultatif",
  "kiosk.remember": "Mémoriser mes coordonnées pour la prochaine visite",
  "kiosk.returning.title": "Bon retour parmi nous",
  "kiosk.returning.prompt": "Saisissez l'e-mail ou le numéro de téléphone donné lors de votre dernière visite.",
  "kiosk.returning.field": "E-mail ou téléphone",
  "kiosk.returning.find": "Me retrouver",
  "kiosk.returning.none": "Nous ne vous avons pas trouvé. Merci de vous enregistrer comme nouveau visiteur.",
  "kiosk.returning.is_this_you": "Est-ce bien vous ?",
  "kiosk.returning.yes": "Oui, c'est moi",
  "kiosk.returning.no": "Non, ce n'est pas moi",
  "kiosk.host.title": "Qui venez-vous voir ?",
  "kiosk.host.field": "Son nom",
  "kiosk.host.none": "Personne de ce nom ne travaille ici. Vous pouvez continuer sans choisir.",
  "kiosk.host.skip": "Je ne viens voir personne en particulier",
  "kiosk.host.chosen": "Visite à {host}",
  "kiosk.keyboard.hide": "Masquer le clavier",
  "kiosk.welcome.read_aloud": "Lire à voix haute",
  "kiosk.speech.unavailable": "La lecture à voix haute n'est pas disponible sur cette borne.",
  "kiosk.photo.title": "Votre photo pour le badge",
  "kiosk.photo.prompt": "Regardez la caméra. La photo est prise quand le cadre devient vert.",
  "kiosk.photo.keep_prompt": "Garder cette photo ?",
  "kiosk.photo.taken": "Votre photo",
  "kiosk.photo.take": "Prendre la photo maintenant",
  "kiosk.photo.retake": "La reprendre",
  "kiosk.photo.keep": "Utiliser cette photo",
  "kiosk.photo.skip": "Continuer sans photo",
  "kiosk.photo.failed": "La photo n'a pas pu être prise. Réessayez.",
  "kiosk.photo.required_no_camera": "La caméra ne fonctionne pas. Demandez à l'accueil de vous enregistrer.",
  "kiosk.agreement.title": "Merci de lire et de signer",
  "kiosk.agreement.sign_here": "Signez ici avec le doigt ou la souris",
  "kiosk.agreement.clear": "Effacer la signature",
  "kiosk.agreement.accept": "J'accepte — m'enregistrer",
  "kiosk.agreement.signed_before": "Vous avez signé ce règlement lors d'une visite précédente.",
  "kiosk.agreement.sign_in": "M'enregistrer",
  "kiosk.done.title": "Merci, {name}",
  "kiosk.done.badge": "Votre badge {badge} est en cours d'impression.",
  "kiosk.done.badge_desk": "Merci de retirer votre badge {badge} à l'accueil.",
  "kiosk.done.host": "Nous allons prévenir {host} de votre arrivée.",
  "kiosk.done.finish": "Terminé",
  "kiosk.signout.title": "Départ",
  "kiosk.signout.field": "Votre nom",
  "kiosk.signout.none": "Aucun visiteur présent ne correspond à ce nom.",
  "kiosk.signout.badge": "Badge {badge}",
  "kiosk.signout.done": "Au revoir, {name}. Votre départ est enregistré.",
  "kiosk.signout.done_anonymous": "Votre départ est enregistré. Au revoir !",
  "kiosk.invite.title": "Bienvenue, {name}",
  "kiosk.invite.host": "Vous venez voir {host}.",
  "kiosk.invite.confirm": "C'est moi — continuer",
  "kiosk.scan.field": "Code QR",
  "kiosk.staff": "Personnel",
  "kiosk.unlock.title": "Réservé au personnel",
  "kiosk.unlock.field": "Code PIN du personnel",
  "kiosk.unlock.open": "Quitter la borne",
  "kiosk.unlock.wrong": "Ce code PIN n'est pas le bon.",
  "kiosk.camera.starting": "Démarrage de la caméra…",
  "kiosk.camera.unavailable": "La caméra n'est pas disponible. Vous pouvez quand même vous enregistrer.",
  "kiosk.camera.preview": "Ce que voit la caméra",
  "kiosk.camera.look_at_camera": "Regardez la caméra",
  "kiosk.camera.one_person": "Une personne à la fois, s'il vous plaît",
  "kiosk.camera.move_closer": "Approchez-vous un peu",
  "kiosk.camera.move_to_centre": "Placez-vous au centre de l'image",
  "kiosk.camera.hold_still": "Ne bougez plus",
  "kiosk.camera.face_the_camera": "Tournez-vous vers la caméra",
  "kiosk.camera.too_dark": "Il fait trop sombre",
  "kiosk.camera.too_bright": "Il y a trop de lumière",
  "kiosk.camera.ready": "C'est parfait",
  "kiosk.remember_face": "Me reconnaître la prochaine fois (nous gardons un modèle du visage, jamais la photo)",
  "kiosk.returning.by_face": "Reconnaître mon visage",
  "kiosk.returning.face_unknown": "Nous ne vous avons pas reconnu. Saisissez votre e-mail ou téléphone, ou enregistrez-vous comme nouveau visiteur.",
  "kiosk.done.face_kept": "La prochaine fois, regardez simplement la caméra.",
  "kiosk.done.face_not_kept": "Votre visage n'était pas assez net ; il n'a pas été gardé.",
  "kiosk.keyboard": "Clavier",
  "kiosk.keyboard.space": "Espace",
  "kiosk.keyboard.delete": "Effacer",
  "kiosk.keyboard.close": "Masquer le clavier",
};
