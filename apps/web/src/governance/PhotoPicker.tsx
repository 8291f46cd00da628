import { CameraOutlined, DeleteOutlined } from '@ant-design/icons';
import type { Attachment } from '@jiedao/contracts';
import { Alert, Button, Flex, Progress, Typography } from 'antd';
import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { toApiError } from '../api/client';
import { useProblemText } from '../components/problemText';
import { NotAnImageError, uploadPhoto } from './images';

export interface PhotoPickerProps {
  value: readonly Attachment[];
  onChange: (photos: Attachment[]) => void;
  max?: number;
  /** Button text; defaults to "take or choose a photo". */
  label?: string;
  /** Prefix of the test ids (`<prefix>-input`, `<prefix>-add`, `<prefix>-thumb`). */
  testId: string;
  disabled?: boolean;
  large?: boolean;
}

/**
 * Photos for a report or a task: a big button that opens the camera on phones (capture="environment")
 * or the file chooser elsewhere, uploads each photo at once (scaled down first) and shows thumbnails
 * with a remove button. The parent keeps the uploaded attachments and sends their ids.
 */
export function PhotoPicker({ value, onChange, max = 3, label, testId, disabled, large }: PhotoPickerProps) {
  const { t } = useTranslation();
  const problemText = useProblemText();
  const input = useRef<HTMLInputElement>(null);
  const inputId = useId();
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);

  const onFiles = async (files: FileList | null) => {
    if (!files || files.length === 0) return;
    setError(null);
    // Photos go up one at a time; the list grows locally so each upload adds to the previous ones.
    let current = [...value];
    for (const file of Array.from(files).slice(0, Math.max(0, max - value.length))) {
      setProgress(0);
      try {
        const attachment = await uploadPhoto(file, (share) => {
          setProgress(Math.round(share * 100));
        });
        current = [...current, attachment];
        onChange(current);
      } catch (caught) {
        setError(
          caught instanceof NotAnImageError ? t('report.photoNotImage') : problemText(toApiError(caught)),
        );
      } finally {
        setProgress(null);
      }
    }
    if (input.current) input.current.value = '';
  };

  const full = value.length >= max;
  return (
    <Flex vertical gap={12} className={large ? 'photo-picker photo-picker-large' : 'photo-picker'}>
      {value.length > 0 && (
        <Flex gap={12} wrap="wrap">
          {value.map((photo, index) => (
            <div className="photo-thumb" key={photo.id} data-testid={`${testId}-thumb`}>
              <img src={photo.url} alt={t('report.photoAlt', { index: index + 1 })} />
              <Button
                size="small"
                danger
                icon={<DeleteOutlined />}
                aria-label={t('report.removePhoto')}
                title={t('report.removePhoto')}
                onClick={() => {
                  onChange(value.filter((candidate) => candidate.id !== photo.id));
                }}
                disabled={disabled || progress !== null}
              />
            </div>
          ))}
        </Flex>
      )}
      {progress !== null && (
        <div role="status" aria-live="polite">
          <Typography.Text>{t('report.photoUploading', { percent: progress })}</Typography.Text>
          <Progress percent={progress} showInfo={false} />
        </div>
      )}
      {error && <Alert type="error" showIcon title={error} role="alert" />}
      <input
        ref={input}
        id={inputId}
        type="file"
        accept="image/*"
        capture="environment"
        multiple={max - value.length > 1}
        style={{ display: 'none' }}
        onChange={(event) => void onFiles(event.target.files)}
        data-testid={`${testId}-input`}
      />
      <Flex gap={12} align="center" wrap="wrap">
        <Button
          icon={<CameraOutlined />}
          size={large ? 'large' : 'middle'}
          onClick={() => input.current?.click()}
          disabled={disabled || full || progress !== null}
          data-testid={`${testId}-add`}
          className={large ? 'big-button' : undefined}
        >
          {label ?? t('report.addPhoto')}
        </Button>
        <Typography.Text type="secondary">{t('report.photoLimit', { max })}</Typography.Text>
      </Flex>
    </Flex>
  );
}
